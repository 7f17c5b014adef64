import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { json } from '../support/http.js';
import { hammer, instanceIdOf, isRefused, LoadLoop, probe, type Outcome } from './chaos.client.js';

/** How long the gateway must route on its cached view alone. */
const OUTAGE_MS = 3_000;

// The registry is a dependency of discovery, not of the data path: losing it must not lose a request.
describe('registry outage: SIGKILL the registry, the gateway routes from its cached view, then recovers', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ services: { users: 1, orders: 1 } });
    for (const path of ['/api/users', '/api/orders']) {
      await waitFor(async () => (await fetch(`${platform.gatewayUrl}${path}`)).status === 200, { timeoutMs: 30_000, message: `gateway routes ${path}` });
    }
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  });

  it('keeps answering 200 on /api/users (HTTP) and /api/orders (NATS) for 3 s with the registry dead, and its admin /health still answers', async () => {
    await platform.component('registry').process.kill('SIGKILL');
    expect(await isRefused(`${platform.registryUrl}/v1/status/leader`)).toBe(true);

    const results = await hammer(platform.gatewayUrl, ['/api/users', '/api/orders'], OUTAGE_MS);

    expect(await isRefused(`${platform.registryUrl}/v1/status/leader`), 'the registry stayed down throughout').toBe(true);
    expect(results.filter((r) => r.status !== 200), 'requests that were not 200').toEqual([]);
    // Enough traffic to mean something: both routes, many times each (even on a busy 2-core box).
    for (const path of ['/api/users', '/api/orders']) expect(results.filter((r) => r.path === path).length).toBeGreaterThanOrEqual(10);
    const health = await json<{ status: string }>(`${platform.adminUrl}/health`);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('after a restart on the same data dir, the registry has the registrations back, still passing, and the gateway keeps routing', async () => {
    await platform.startRegistry();
    for (const service of ['users', 'orders']) {
      const passing = await json<unknown[]>(`${platform.registryUrl}/v1/health/service/${service}?passing`);
      expect(passing.body, `${service} recovered and passing`).toHaveLength(1);
    }
    const results = await hammer(platform.gatewayUrl, ['/api/users', '/api/orders'], 2_000);
    expect(results.filter((r) => r.status !== 200), 'requests that were not 200').toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(20);
  });

  it('routes to a users instance started after the restart within 5 s of it being healthy, with no failed request meanwhile', async () => {
    const [first] = platform.instances('users');
    const firstId = await instanceIdOf(first!.url);
    let addedId = '';
    let outcomes: readonly Outcome[];
    // Traffic runs across the gateway's resync with the restarted registry and the new instance's arrival.
    const load = new LoadLoop(platform.gatewayUrl, ['/api/users', '/api/orders']);
    let since = 0;
    try {
      const added = await platform.startService('users');
      addedId = await instanceIdOf(added.url);
      since = Date.now();
      await waitFor(() => load.results.some((r) => r.instance === addedId && r.at >= since), { timeoutMs: 5_000, intervalMs: 25, message: `gateway picks the new users instance ${addedId}` });
    } finally {
      outcomes = await load.stop();
    }
    expect(Date.now() - since).toBeLessThan(5_000);
    expect(outcomes.filter((r) => r.status !== 200), 'requests that were not 200').toEqual([]);
    // Both the recovered instance and the new one are in rotation.
    const picked = new Set<string | null>();
    for (let i = 0; i < 10; i++) picked.add((await probe(platform.gatewayUrl, '/api/users')).instance);
    expect(picked).toEqual(new Set([firstId, addedId]));
  });
});
