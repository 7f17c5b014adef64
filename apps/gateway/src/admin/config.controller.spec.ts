import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKv, StaticDiscovery } from '@meshway/discovery';
import { waitFor } from '@meshway/testing';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send, type TestRequest, type TestResponse } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

function json(method: string, body: unknown, headers: Record<string, string> = auth): TestRequest {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

describe('admin API: declarative configuration and routes, behind the admin token', () => {
  let upstream: TestUpstream;
  let gateway: RunningGateway;
  const admin = (path: string, request: TestRequest = { headers: auth }): Promise<TestResponse> => send(`${gateway.adminUrl}${path}`, request);

  beforeAll(async () => {
    upstream = await startUpstream('catalog');
    const discovery = new StaticDiscovery([{ service: 'catalog', address: '127.0.0.1', port: upstream.port }]);
    gateway = await startGateway({ discovery, kv: new MemoryKv(), port: 0, adminPort: 0, adminToken: TOKEN });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('answers /health without a token, and 401 with WWW-Authenticate for anything else without one', async () => {
    expect((await admin('/health', {})).status).toBe(200);
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Basic ${TOKEN}` }, { authorization: `bearer  ${TOKEN}` }]) {
      const res = await admin('/routes', { headers });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_UNAUTHENTICATED' } });
    }
    expect((await admin('/routes')).status).toBe(200);
  });

  it('adds a named route that the gateway serves within a second, and lists it', async () => {
    const res = await admin('/config/routes', json('POST', { name: 'catalog', path: '/catalog/*', service: 'catalog' }));
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ added: ['catalog'], removed: [], changed: [] });
    await waitFor(async () => (await send(`${gateway.url}/catalog/items`)).status === 200, { timeoutMs: 1_000, intervalMs: 10 });
    expect((await admin('/config/routes')).json()).toEqual([{ name: 'catalog', path: '/catalog/*', service: 'catalog' }]);
  });

  it('refuses a duplicate name (409), an unknown one (404), and a bad route naming the field (400)', async () => {
    expect((await admin('/config/routes', json('POST', { name: 'catalog', path: '/x/*', service: 'catalog' }))).json()).toMatchObject({ error: { code: 'MESHWAY_CONFLICT' } });
    const missing = await admin('/config/routes/nope', json('PUT', { path: '/x/*', service: 'catalog' }));
    expect(missing.status).toBe(404);
    const bad = await admin('/config/routes', json('POST', { name: 'bad', path: '/bad/*', service: 'catalog', timeoutMs: -1 }));
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'MESHWAY_GATEWAY_INVALID_CONFIG', message: expect.stringContaining('routes[1].timeoutMs: expected a positive integer, got -1') as string } });
    const garbage = await admin('/config/routes', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":' });
    expect(garbage.status).toBe(400);
    expect(garbage.json()).toMatchObject({ error: { code: 'MESHWAY_BAD_REQUEST' } });
  });

  it('exports the configuration and imports one: a dry run prints the diff and changes nothing', async () => {
    const exported = (await admin('/config')).json<{ routes: unknown[]; version: string }>();
    expect(exported.routes).toHaveLength(1);
    const next = { ...exported, routes: [{ name: 'catalog', path: '/catalog/*', service: 'catalog', timeoutMs: 2000 }, { name: 'shop', path: '/shop/*', service: 'catalog' }] };
    const dry = (await admin('/config?dryRun=true', json('PUT', next))).json<{ text: string; applied: boolean }>();
    expect(dry).toMatchObject({ applied: false, added: ['shop'], changed: [{ route: 'catalog', fields: [{ field: 'timeoutMs', to: 2000 }] }] });
    expect(dry.text).toBe('+ shop: {"name":"shop","path":"/shop/*","service":"catalog"}\n~ catalog: timeoutMs (unset) → 2000');
    expect((await send(`${gateway.url}/shop/x`)).status).toBe(404);
    expect((await admin('/config', json('PUT', next))).json()).toMatchObject({ applied: true, added: ['shop'] });
    await waitFor(async () => (await send(`${gateway.url}/shop/x`)).status === 200, { timeoutMs: 1_000, intervalMs: 10 });
    expect((await send(`${gateway.url}/shop/x`)).json<EchoBody>().upstream).toBe('catalog');
  });

  it('deletes a route by name', async () => {
    expect((await admin('/config/routes/shop', { method: 'DELETE', headers: auth })).json()).toMatchObject({ removed: ['shop'] });
    await waitFor(async () => (await send(`${gateway.url}/shop/x`)).status === 404, { timeoutMs: 1_000, intervalMs: 10 });
  });
});

describe('admin API without a token', () => {
  it('may be read but never changes state (403), and refuses to leave loopback', async () => {
    const gateway = await startGateway({ discovery: new StaticDiscovery(), port: 0, adminPort: 0 });
    try {
      expect((await send(`${gateway.adminUrl}/config`)).status).toBe(200);
      const res = await send(`${gateway.adminUrl}/config/routes`, json('POST', { name: 'x', path: '/x', service: 'x' }, {}));
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_FORBIDDEN', message: expect.stringContaining('GATEWAY_ADMIN_TOKEN') as string } });
    } finally {
      await gateway.close();
    }
    await expect(startGateway({ discovery: new StaticDiscovery(), port: 0, adminPort: 0, adminHost: '0.0.0.0' })).rejects.toMatchObject({ code: 'MESHWAY_GATEWAY_INVALID_CONFIG' });
  });
});
