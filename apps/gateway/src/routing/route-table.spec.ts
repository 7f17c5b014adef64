import { describe, expect, it } from 'vitest';
import type { HttpMethod } from '@meshway/discovery';
import { routeKey, type RouteSpec } from './route.definition.js';
import { RouteTable, type Route } from './route-table.js';

/** The table only reads a route's key and spec; the rest belongs to the chain and is not exercised here. */
function route(path: string, service: string, methods: HttpMethod[] = [], source: RouteSpec['source'] = 'announced'): Route {
  const spec: RouteSpec = {
    source, name: undefined, path, methods, host: undefined, service, transport: 'http', subject: undefined, stripPrefix: undefined,
    hashOn: undefined, version: undefined, versionHeader: undefined, cors: undefined, balancer: 'round-robin', timeoutMs: 1_000, bodyLimitBytes: 1_024, resilience: {}, auth: 'none', scopes: [], rateLimit: undefined,
  };
  return { key: routeKey(spec), spec } as Route;
}

function overlapsOf(routes: Route[]): string[] {
  const overlaps: string[] = [];
  const table = new RouteTable(routes, (r, method) => overlaps.push(`${method} ${r.key}`));
  expect(table.routes).toHaveLength(routes.length);
  return overlaps;
}

describe('route table', () => {
  it('takes "* /api/users" beside "* /api/users/*" (what services announce) as no overlap, in either order', () => {
    expect(overlapsOf([route('/api/users', 'users'), route('/api/users/*', 'users')])).toEqual([]);
    expect(overlapsOf([route('/api/users/*', 'users'), route('/api/users', 'users')])).toEqual([]);
  });

  it('gives the bare path to the route that writes it, even when a wildcard route came first', () => {
    const table = new RouteTable([route('/api/*', 'catch-all'), route('/api', 'exact')]);
    expect(table.match('GET', undefined, '/api').route.spec.service).toBe('exact');
    expect(table.match('GET', undefined, '/api/x').route.spec.service).toBe('catch-all');
  });

  it('lets a wildcard route answer its bare path when nobody writes it', () => {
    const table = new RouteTable([route('/api/users/*', 'users')]);
    expect(table.match('DELETE', undefined, '/api/users').route.spec.service).toBe('users');
  });

  it('reports a real overlap: two routes writing the same method and path', () => {
    expect(overlapsOf([route('/api/orders/:id', 'a', ['GET']), route('/api/orders/:key', 'b', ['GET'])])).toEqual(['GET GET /api/orders/:key']);
  });

  it('keeps a configured wildcard\'s bare path from a service announcing it: configuration owns what it covers', () => {
    const overlaps: string[] = [];
    const table = new RouteTable([route('/api/users/*', 'users-guarded', [], 'file'), route('/api/users', 'users')], (r, method) => overlaps.push(`${method} ${r.key}`));
    expect(table.match('GET', undefined, '/api/users').route.spec.service).toBe('users-guarded');
    expect(overlaps).toContain('GET * /api/users');
  });
});
