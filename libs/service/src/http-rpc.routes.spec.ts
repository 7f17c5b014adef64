import { describe, expect, it } from 'vitest';
import { rpcRoutes, stripPrefix } from './http-rpc.routes.js';

describe('rpcRoutes: the HTTP routes a NATS service serves itself in HTTP mode', () => {
  it('serves each announced route with a subject at the path the gateway forwards (prefix stripped), per method', () => {
    expect(
      rpcRoutes(
        [
          { methods: ['POST'], path: '/api/orders', subject: 'orders.create' },
          { methods: ['GET'], path: '/api/orders/:id', subject: 'orders.get' },
          { methods: ['GET'], path: '/other/orders', subject: 'orders.list' },
        ],
        '/api',
      ),
    ).toEqual([
      { method: 'POST', url: '/orders', pattern: 'orders.create' },
      { method: 'GET', url: '/orders/:id', pattern: 'orders.get' },
      { method: 'GET', url: '/other/orders', pattern: 'orders.list' },
    ]);
  });

  it('takes every method for a route that names none, and leaves routes without a subject to the app', () => {
    const routes = rpcRoutes([{ methods: [], path: '/api/x', subject: 'x.any' }, { methods: [], path: '/api/plain' }], '/api');
    expect(routes.map((r) => r.method)).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    expect(routes.every((r) => r.url === '/x' && r.pattern === 'x.any')).toBe(true);
  });

  it('gives a final * its base path too, unless a written route has it; the first route to claim a method and path keeps it', () => {
    expect(
      rpcRoutes(
        [
          { methods: ['GET'], path: '/api/files/*', subject: 'files.read' },
          { methods: ['GET'], path: '/api/docs/*', subject: 'docs.read' },
          { methods: ['GET'], path: '/api/docs', subject: 'docs.list' },
          { methods: ['GET'], path: '/api/docs', subject: 'docs.shadowed' },
          { methods: ['GET'], path: '/api/*', subject: 'all.read' },
        ],
        '/api',
      ),
    ).toEqual([
      { method: 'GET', url: '/files/*', pattern: 'files.read' },
      { method: 'GET', url: '/docs/*', pattern: 'docs.read' },
      { method: 'GET', url: '/docs', pattern: 'docs.list' },
      { method: 'GET', url: '/*', pattern: 'all.read' },
      { method: 'GET', url: '/files', pattern: 'files.read' },
      { method: 'GET', url: '/', pattern: 'all.read' },
    ]);
  });

  it.each([
    ['/api/users/7', '/api', '/users/7'],
    ['/api', '/api', '/'],
    ['/apix/users', '/api', '/apix/users'],
    ['/users', undefined, '/users'],
    ['/users', '/', '/users'],
  ])('strips the prefix as the gateway does: %s without %s is %s', (path, prefix, expected) => {
    expect(stripPrefix(path, prefix)).toBe(expected);
  });
});
