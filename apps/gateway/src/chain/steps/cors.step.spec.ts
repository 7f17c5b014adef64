import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { parseRoutesDocument } from '../../routing/routes-file.loader.js';
import { startGateway, type RunningGateway } from '../../start-gateway.js';
import { send } from '../../testing/http.client.js';
import { startUpstream, type TestUpstream } from '../../testing/upstream.fixture.js';

const APP = 'https://app.example.com';

describe('CORS per route, and the headers on responses the gateway makes itself', () => {
  let upstream: TestUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startUpstream('svc');
    const discovery = new StaticDiscovery([{ service: 'svc', address: '127.0.0.1', port: upstream.port }]);
    gateway = await startGateway({
      discovery, port: 0, adminPort: 0,
      routes: [
        { path: '/api/*', methods: ['GET', 'POST'], service: 'svc', cors: { origins: [APP], credentials: true, exposeHeaders: ['x-request-id', 'x-total'] } },
        { path: '/plain/*', service: 'svc' },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const preflight = (path: string, origin: string, method: string, headers = 'content-type') =>
    send(`${gateway.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

  it('answers a preflight from an allowed origin itself (204), never forwarding it', async () => {
    const res = await preflight('/api/items', APP, 'POST');
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
    });
    expect(res.text).toBe('');
  });

  it('refuses a preflight from another origin or asking for another header (403), or for a method the route lacks (405), with no CORS headers', async () => {
    for (const [res, status] of [[await preflight('/api/items', 'https://evil.example', 'POST'), 403], [await preflight('/api/items', APP, 'POST', 'x-secret'), 403], [await preflight('/api/items', APP, 'DELETE'), 405]] as const) {
      expect(res.status).toBe(status);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('adds CORS headers to actual responses to an allowed origin only', async () => {
    const allowed = await send(`${gateway.url}/api/items`, { headers: { origin: APP } });
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': APP, vary: expect.stringContaining('origin') as string, 'access-control-expose-headers': 'x-request-id, x-total' });
    expect((await send(`${gateway.url}/api/items`, { headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin']).toBeUndefined();
    expect((await send(`${gateway.url}/plain/items`, { headers: { origin: APP } })).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('puts security headers on the responses the gateway makes itself', async () => {
    const res = await send(`${gateway.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });

  it('refuses credentials for any origin in the routes file', () => {
    expect(() => parseRoutesDocument({ routes: [{ path: '/x', service: 'x', cors: { origins: ['*'], credentials: true } }] }, { balancer: 'round-robin', timeoutMs: 1, bodyLimitBytes: 1, resilience: {}, auth: 'none', scopes: [], rateLimit: undefined })).toThrow(
      'routes[0].cors.credentials: credentials cannot be allowed for any origin',
    );
  });
});
