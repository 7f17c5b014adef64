import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKv, StaticDiscovery } from '@meshway/discovery';
import { waitFor } from '@meshway/testing';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send, type TestRequest, type TestResponse } from '../testing/http.client.js';
import { RELEASES_PREFIX } from './release.schema.js';

const TOKEN = 'release-spec-admin-token';

/** An instance answering with its name, or always 500 (a broken canary). */
async function instance(name: string, status = 200): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ instance: name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('canary releases: weights from KV, sticky callers, shifts under load, automatic rollback', () => {
  const kv = new MemoryKv();
  const discovery = new StaticDiscovery();
  const servers: Server[] = [];
  let gateway: RunningGateway;

  const admin = (path: string, method = 'GET', body?: unknown): Promise<TestResponse> => {
    const request: TestRequest = { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    return send(`${gateway.adminUrl}${path}`, request);
  };
  const call = async (user: string): Promise<{ status: number; instance: string; side: string | undefined }> => {
    const res = await send(`${gateway.url}/api/users/1`, { headers: { 'x-user': user } });
    return { status: res.status, instance: res.json<{ instance: string }>().instance, side: res.headers['x-meshway-release'] as string | undefined };
  };

  beforeAll(async () => {
    const [stable, canary, broken] = await Promise.all([instance('stable'), instance('canary'), instance('broken', 500)]);
    servers.push(stable.server, canary.server, broken.server);
    discovery.set('users', [
      { id: 'stable', address: '127.0.0.1', port: stable.port, meta: { 'meshway-service-version': '1.4.0' } },
      { id: 'canary', address: '127.0.0.1', port: canary.port, meta: { 'meshway-service-version': '2.0.0' } },
    ]);
    discovery.set('orders', [
      { id: 'orders-stable', address: '127.0.0.1', port: stable.port, meta: { 'meshway-service-version': '1.0.0' } },
      { id: 'orders-broken', address: '127.0.0.1', port: broken.port, meta: { 'meshway-service-version': '1.1.0-rc.1' } },
    ]);
    gateway = await startGateway({
      discovery, kv, port: 0, adminPort: 0, adminToken: TOKEN,
      routes: [{ path: '/api/users/*', service: 'users' }, { path: '/api/orders/*', service: 'orders' }],
    });
  });

  afterAll(async () => {
    await gateway.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('splits by weight, keeps each caller on one side, and says which side answered', async () => {
    expect((await admin('/releases/users', 'PUT', { stable: '^1', canary: '^2', weight: 50, sticky: 'header:x-user' })).status).toBe(200);
    const sides = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 60; u++) {
        const { instance, side } = await call(`user-${u}`);
        expect(side).toBe(instance);
        sides.set(`user-${u}`, (sides.get(`user-${u}`) ?? new Set()).add(instance));
      }
    }
    expect([...sides.values()].every((seen) => seen.size === 1)).toBe(true);
    const canaryUsers = [...sides.values()].filter((seen) => seen.has('canary')).length;
    expect(canaryUsers).toBeGreaterThan(15);
    expect(canaryUsers).toBeLessThan(45);
  });

  it('shifts 5 → 50 → 100 % under load with no failed request, each step in force within a second', async () => {
    let stop = false;
    const failures: number[] = [];
    const seen: string[] = [];
    const load = async (worker: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const { status, instance } = await call(`load-${worker}-${i % 40}`);
        if (status !== 200) failures.push(status);
        seen.push(instance);
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => load(w));
    for (const weight of [5, 50, 100]) {
      const started = performance.now();
      await admin('/releases/users', 'PUT', { stable: '^1', canary: '^2', weight, sticky: 'header:x-user' });
      if (weight === 100) {
        const from = seen.length;
        await waitFor(() => seen.length > from + 20 && seen.slice(-20).every((name) => name === 'canary'), { timeoutMs: 5_000, intervalMs: 5 });
        expect(performance.now() - started).toBeLessThan(1_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(seen.length).toBeGreaterThan(100);
  });

  it('rolls a failing canary back within 5 s, records why in KV, and counts it', async () => {
    await admin('/releases/orders', 'PUT', { stable: '1.0.0', canary: '1.1.0-rc.1', weight: 30, sticky: 'header:x-user', guard: { windowSec: 10, minRequests: 10, maxErrorRateDelta: 0.05 } });
    const started = performance.now();
    let failed = 0;
    let total = 0;
    for (;;) {
      const res = await send(`${gateway.url}/api/orders/1`, { headers: { 'x-user': `u-${total}` } });
      total++;
      if (res.status >= 500) failed++;
      const release = (await admin('/releases/orders')).json<{ state: string; weight: number; rollback?: { reason: string } }>();
      if (release.state === 'rolled-back') {
        expect(release.weight).toBe(0);
        expect(release.rollback?.reason).toMatch(/canary 5xx ratio 100\.0 % over \d+ requests vs stable 0\.0 %/);
        break;
      }
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    const rollbackMs = performance.now() - started;
    console.log(`canary rollback: ${rollbackMs.toFixed(0)} ms, ${failed} failed of ${total} requests before it`);
    for (let i = 0; i < 20; i++) expect((await send(`${gateway.url}/api/orders/1`, { headers: { 'x-user': `after-${i}` } })).status).toBe(200);
    const [stored] = await kv.list(`${RELEASES_PREFIX}orders`);
    expect(JSON.parse(stored!.value)).toMatchObject({ state: 'rolled-back', weight: 0 });
    expect((await admin('/metrics')).text).toMatch(/meshway_gateway_release_rollbacks_total\{service="orders"\} 1/);
  });

  it('rejects a release naming the bad field, and keeps the one in force', async () => {
    const res = await admin('/releases/users', 'PUT', { stable: '^1', canary: 'newest', weight: 120 });
    expect(res.status).toBe(400);
    const { message } = res.json<{ error: { message: string } }>().error;
    expect(message).toContain('canary: expected a semver version or range');
    expect(message).toContain('weight:');
    expect((await admin('/releases/users')).json()).toMatchObject({ weight: 100 });
  });
});
