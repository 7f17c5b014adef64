import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway } from '../start-gateway.js';
import { loadRoutesFile, parseRoutesDocument } from './routes-file.loader.js';

const defaults = { balancer: 'round-robin', timeoutMs: 30_000, bodyLimitBytes: 1_048_576, resilience: {}, auth: 'none', scopes: [], rateLimit: undefined } as const;

describe('routes file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshway-routes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML with defaults, filling what routes leave out', async () => {
    const file = join(dir, 'routes.yaml');
    await writeFile(file, [
      'defaults: { timeoutMs: 5000 }',
      'routes:',
      '  - { path: /api/users/*, service: users, stripPrefix: /api, methods: [GET, POST], host: API.example.com }',
      '  - { path: /api/orders/:id, service: orders, subject: orders.get, balancer: p2c-ewma, bodyLimitBytes: 2048 }',
    ].join('\n'));
    const [users, orders] = await loadRoutesFile(file, defaults);
    expect(users).toMatchObject({ source: 'file', path: '/api/users/*', methods: ['GET', 'POST'], host: 'api.example.com', transport: 'http', stripPrefix: '/api', timeoutMs: 5000, balancer: 'round-robin', bodyLimitBytes: 1_048_576 });
    expect(orders).toMatchObject({ transport: 'nats', subject: 'orders.get', balancer: 'p2c-ewma', bodyLimitBytes: 2048, timeoutMs: 5000 });
  });

  it('reads JSON', async () => {
    const file = join(dir, 'routes.json');
    await writeFile(file, JSON.stringify({ routes: [{ path: '/x', service: 'x' }] }));
    expect(await loadRoutesFile(file, defaults)).toHaveLength(1);
  });

  it.each([
    [{ routes: [{ path: '/a', service: 'a' }, { path: '/b', service: 'b' }, { path: '/c', service: 'c', timeoutMs: 'fast' }] }, 'routes[2].timeoutMs: expected a positive integer, got "fast"'],
    [{ routes: [{ path: '/a', service: 'a', methods: ['FETCH'] }] }, 'routes[0].methods[0]: expected one of "GET"'],
    [{ routes: [{ path: 'a', service: 'a' }] }, 'routes[0].path: Invalid route announcement "* a": path must start with "/"'],
    [{ routes: [{ path: '/a', service: 'a', transport: 'nats' }] }, 'routes[0].subject: expected a NATS subject'],
    [{ routes: [{ path: '/a', service: 'a', colour: 'red' }] }, 'routes[0]: unknown field "colour"'],
    [{ routes: [{ path: '/a' }] }, 'routes[0].service: expected string, got nothing'],
    [{ routes: [{ path: '/a', service: 'a', balancer: 'fastest' }] }, 'routes[0].balancer: expected one of "round-robin"'],
    [{ route: [] }, 'routes: expected array, got nothing'],
    [{ routes: [{ path: '/a', service: 'a', balancer: 'consistent-hash', hashOn: 'body:id' }] }, 'routes[0].hashOn: expected "ip", "header:<name>", "cookie:<name>" or "param:<name>", got "body:id"'],
  ])('rejects %j naming the field', (document, message) => {
    expect(() => parseRoutesDocument(document, defaults)).toThrow(message);
  });

  it('fails the gateway at boot, naming the field', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'routes:\n  - { path: /a, service: a }\n  - { path: /b, service: b }\n  - { path: /c, service: c, timeoutMs: fast }\n');
    await expect(startGateway({ discovery: new StaticDiscovery(), port: 0, adminPort: 0, routesFile: file })).rejects.toThrow(
      /MESHWAY|routes\[2\]\.timeoutMs: expected a positive integer, got "fast"/,
    );
    await expect(startGateway({ discovery: new StaticDiscovery(), port: 0, adminPort: 0, routesFile: file })).rejects.toMatchObject({ code: 'MESHWAY_GATEWAY_INVALID_CONFIG' });
  });

  it('fails at boot on unreadable or unparsable files', async () => {
    await expect(loadRoutesFile(join(dir, 'missing.yaml'), defaults)).rejects.toThrow(/Cannot read routes file/);
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "routes": [');
    await expect(loadRoutesFile(file, defaults)).rejects.toThrow(/is not valid JSON/);
  });
});
