import { request } from 'node:http';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { hashApiKey } from '@meshway/auth';
import { StaticDiscovery } from '@meshway/discovery';
import { TestIssuer, waitFor } from '@meshway/testing';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send, type TestResponse } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

const KEYS = { current: 'batch-key-0123456789abcdef', next: 'batch-key-fedcba9876543210' };

interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

interface RoutesAnswer {
  readonly routes: readonly { readonly path: string; readonly auth: string; readonly scopes: readonly string[]; readonly chain: readonly string[] }[];
  readonly config: readonly { readonly source: string; readonly rejected: { readonly error: string } | null }[];
}

/** A routes file protecting some routes with JWTs of `issuer` and API keys, rate-limiting others, and the services block for announced routes. */
function routesFile(issuer: TestIssuer, withAuthBlock = true): string {
  return stringify({
    ...(withAuthBlock
      ? { auth: { jwt: [issuer.auth()], apiKeys: [{ consumer: 'batch-jobs', keys: [hashApiKey(KEYS.current), hashApiKey(KEYS.next)], scopes: ['orders:write'] }] } }
      : {}),
    services: { catalog: { auth: 'jwt', scopes: ['catalog:read'] } },
    routes: [
      { path: '/open/*', service: 'svc' },
      { path: '/jwt/*', service: 'svc', auth: 'jwt', scopes: ['users:read'] },
      { path: '/key/*', service: 'svc', auth: 'apiKey' },
      { path: '/any/*', service: 'svc', auth: 'any', rateLimit: { points: 3, durationSec: 60, by: 'consumer' } },
      { path: '/ip/*', service: 'svc', rateLimit: { points: 2, durationSec: 60, by: 'ip' } },
    ],
  });
}

describe('edge security: auth, scopes and rate limits as steps of each route chain', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let catalog: TestUpstream;
  let gateway: RunningGateway;
  let dir: string;
  let file: string;
  let alice: string;

  const get = (path: string, headers: Record<string, string | string[]> = {}): Promise<TestResponse> => send(`${gateway.url}${path}`, { headers });
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const echoed = (res: TestResponse): EchoBody['headers'] => res.json<EchoBody>().headers;

  async function writeRoutes(text: string): Promise<void> {
    const temp = join(dir, `.routes-${Math.random().toString(36).slice(2)}.tmp`);
    await writeFile(temp, text);
    await rename(temp, file);
  }

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    [upstream, catalog] = await Promise.all([startUpstream('svc'), startUpstream('catalog')]);
    dir = await mkdtemp(join(tmpdir(), 'meshway-edge-security-'));
    file = join(dir, 'routes.yaml');
    await writeRoutes(routesFile(issuer));
    const discovery = new StaticDiscovery([
      { service: 'svc', address: '127.0.0.1', port: upstream.port },
      // A service announcing its own routes: the file's `services.catalog` block decides who may call them.
      { service: 'catalog', address: '127.0.0.1', port: catalog.port, meta: { 'meshway-routes': '* /catalog/*' } },
    ]);
    gateway = await startGateway({ discovery, port: 0, adminPort: 0, routesFile: file });
    alice = await issuer.sign('alice', 'users:read catalog:read');
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([upstream.close(), catalog.close(), issuer.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  describe('auth: jwt', () => {
    it('answers a request without a credential 401 MESHWAY_UNAUTHENTICATED with a Bearer challenge, never reaching the service', async () => {
      const res = await get('/jwt/profile');
      expect(res.status).toBe(401);
      expect(res.json<ErrorBody>().error.code).toBe('MESHWAY_UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="meshway"');
    });

    it('forwards a verified caller with x-meshway-consumer and x-meshway-scopes (and its token, for services that verify it themselves)', async () => {
      const res = await get('/jwt/profile', bearer(alice));
      expect(res.status).toBe(200);
      expect(echoed(res)).toMatchObject({ 'x-meshway-consumer': 'alice', 'x-meshway-scopes': 'catalog:read users:read', authorization: `Bearer ${alice}` });
    });

    it('answers 403 MESHWAY_FORBIDDEN naming the missing scope when the caller lacks it', async () => {
      const res = await get('/jwt/profile', bearer(await issuer.sign('bob', 'orders:read')));
      expect(res.status).toBe(403);
      expect(res.json<ErrorBody>().error).toEqual({ code: 'MESHWAY_FORBIDDEN', message: 'Forbidden: missing scope users:read.', requestId: expect.any(String) as string });
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('answers an expired token 401 with error="invalid_token", and a token of another audience the same', async () => {
      const expired = await issuer.sign('alice', 'users:read', { exp: Math.floor(Date.now() / 1000) - 3_600 });
      const otherAudience = await issuer.sign('alice', 'users:read', { aud: 'someone-else' });
      for (const token of [expired, otherAudience]) {
        const res = await get('/jwt/profile', bearer(token));
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      }
    });

    it('replaces identity headers a client sends with the ones it established, and drops them on open routes', async () => {
      const spoofed = { 'x-meshway-consumer': 'admin', 'x-meshway-scopes': 'everything' };
      expect(echoed(await get('/jwt/profile', { ...bearer(alice), ...spoofed }))).toMatchObject({ 'x-meshway-consumer': 'alice', 'x-meshway-scopes': 'catalog:read users:read' });
      const open = echoed(await get('/open/page', spoofed));
      expect(open['x-meshway-consumer']).toBeUndefined();
      expect(open['x-meshway-scopes']).toBeUndefined();
    });
  });

  describe('auth: apiKey and any', () => {
    it('accepts both keys of a consumer (rotation) and forwards who it is, never the key itself', async () => {
      for (const key of [KEYS.current, KEYS.next]) {
        const res = await get('/key/jobs', { 'x-api-key': key });
        expect(res.status).toBe(200);
        expect(echoed(res)).toMatchObject({ 'x-meshway-consumer': 'batch-jobs', 'x-meshway-scopes': 'orders:write' });
        expect(echoed(res)['x-api-key']).toBeUndefined();
      }
    });

    it('answers an unknown key 401 with an ApiKey challenge naming the header', async () => {
      const res = await get('/key/jobs', { 'x-api-key': 'not-a-key-of-anyone-at-all' });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('ApiKey realm="meshway", header="x-api-key"');
    });

    it('takes either credential on an `any` route, but not both at once', async () => {
      expect((await get('/any/x', { 'x-api-key': KEYS.current })).status).toBe(200);
      expect((await get('/any/x', bearer(alice))).status).toBe(200);
      expect((await get('/any/x', { 'x-api-key': KEYS.current, ...bearer(alice) })).status).toBe(401);
    });
  });

  describe('rate limits', () => {
    it('counts per consumer: the consumer past its points gets 429 with Retry-After and RateLimit-*, another consumer keeps its own budget', async () => {
      const bob = await issuer.sign('bob', '');
      const statuses: number[] = [];
      let last: TestResponse | undefined;
      for (let i = 0; i < 3; i++) {
        last = await get('/any/x', bearer(bob));
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200]);
      expect(last?.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0' });
      const refused = await get('/any/x', bearer(bob));
      expect(refused.status).toBe(429);
      expect(refused.json<ErrorBody>().error.code).toBe('MESHWAY_RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await get('/any/x', bearer(await issuer.sign('carol', '')))).status).toBe(200);
    });

    it('counts per client IP, and a spoofed X-Forwarded-For from an untrusted peer does not buy a new budget', async () => {
      expect((await get('/ip/a')).status).toBe(200);
      expect((await get('/ip/a', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
      const spoofed = await get('/ip/a', { 'x-forwarded-for': '198.51.100.23' });
      expect(spoofed.status).toBe(429);
      expect(echoed(await get('/open/x', { 'x-forwarded-for': '198.51.100.23' }))['x-forwarded-for']).toBe('198.51.100.23, 127.0.0.1');
    });
  });

  it('protects routes services announce with the services block: a service cannot open a route the file closes', async () => {
    expect((await get('/catalog/items')).status).toBe(401);
    expect((await get('/catalog/items', bearer(await issuer.sign('dave', 'users:read')))).status).toBe(403);
    const res = await get('/catalog/items', bearer(alice));
    expect(res.status).toBe(200);
    expect(res.json<EchoBody>().upstream).toBe('catalog');
  });

  it('admits a WebSocket upgrade only as it admits a request: 401 without a token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/jwt/socket`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });

  it('shows each route\'s auth and chain in /routes, and counts refusals by reason in /metrics', async () => {
    const { routes } = (await send(`${gateway.adminUrl}/routes`)).json<RoutesAnswer>();
    expect(routes.find((r) => r.path === '/jwt/*')).toMatchObject({ auth: 'jwt', scopes: ['users:read'], chain: expect.arrayContaining(['auth']) as string[] });
    expect(routes.find((r) => r.path === '/any/*')?.chain).toEqual(expect.arrayContaining(['auth', 'rate-limit']));
    expect(routes.find((r) => r.path === '/open/*')?.chain).not.toContain('auth');
    const metrics = (await send(`${gateway.adminUrl}/metrics`)).text;
    expect(metrics).toMatch(/meshway_gateway_auth_refusals_total\{route="\* \/jwt\/\*",service="svc",reason="missing_credential"\} [1-9]/);
    expect(metrics).toMatch(/meshway_gateway_rate_limited_total\{route="\* \/ip\/\*",service="svc"\} [1-9]/);
  });

  it('rejects a new version that asks for jwt with no issuer configured, keeping the routes protected as before', async () => {
    await writeRoutes(routesFile(issuer, false));
    const rejected = await waitFor(async () => (await send(`${gateway.adminUrl}/routes`)).json<RoutesAnswer>().config.find((c) => c.rejected !== null), { timeoutMs: 5_000 });
    expect(rejected.rejected?.error).toContain('routes[1].auth: jwt needs auth.jwt to list at least one issuer');
    expect((await get('/jwt/profile')).status).toBe(401);
    expect((await get('/jwt/profile', bearer(alice))).status).toBe(200);
    await writeRoutes(routesFile(issuer));
  });
});

describe('edge security configuration at boot', () => {
  it('refuses to start when a route asks for auth nobody can give, naming the route', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshway-edge-boot-'));
    try {
      const file = join(dir, 'routes.yaml');
      await writeFile(file, stringify({ routes: [{ path: '/x/*', service: 'x', auth: 'apiKey' }] }));
      await expect(startGateway({ discovery: new StaticDiscovery([]), port: 0, adminPort: 0, routesFile: file })).rejects.toThrow(/routes\[0\]\.auth: apiKey needs auth\.apiKeys to list at least one consumer/);
      await writeFile(file, stringify({ routes: [{ path: '/x/*', service: 'x', scopes: ['a:b'] }] }));
      await expect(startGateway({ discovery: new StaticDiscovery([]), port: 0, adminPort: 0, routesFile: file })).rejects.toThrow(/routes\[0\]\.scopes: a route with auth none has no caller to hold scopes/);
      await writeFile(file, stringify({ auth: { jwt: [{ issuer: 'x', audiences: ['y'], algorithms: ['none'], jwksUrl: 'http://127.0.0.1:1/jwks' }] }, routes: [] }));
      await expect(startGateway({ discovery: new StaticDiscovery([]), port: 0, adminPort: 0, routesFile: file })).rejects.toThrow(/auth\.jwt\[0\]\.algorithms\[0\]: expected one of/);
      await writeFile(file, stringify({ routes: [{ path: '/x/*', service: 'x', rateLimit: { points: 0, durationSec: 1, by: 'consumer' } }] }));
      await expect(startGateway({ discovery: new StaticDiscovery([]), port: 0, adminPort: 0, routesFile: file })).rejects.toThrow(/routes\[0\]\.rateLimit\.points: expected a whole number of requests from 1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
