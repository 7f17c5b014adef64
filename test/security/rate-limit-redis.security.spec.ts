import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy, waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';

type GatewayReplica = Awaited<ReturnType<Platform['startGateway']>>;

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Budget of the shared route: one 5 s window, counted by both replicas in Redis. */
const SHARED_POINTS = 300;
const SHARED_WINDOW_SEC = 5;
/** How long the two replicas are hammered: inside one window, so exactly SHARED_POINTS may pass. */
const LOAD_MS = 4_000;

/** Keeps `concurrency` requests in flight against `url` until `until`; counts answers by status. */
async function hammer(url: string, concurrency: number, until: number, counts: Map<number, number>): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const res = await fetch(url);
        await res.arrayBuffer();
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      }
    }),
  );
}

describe('rate limits shared by gateway replicas through Redis, and a Redis that goes away', () => {
  const run = randomBytes(4).toString('hex');
  const shared = `/shared-${run}`;
  const fragile = `/fragile-${run}`;
  let platform: Platform;
  let proxy: TcpProxy;
  const gateways = new Map<string, GatewayReplica>();
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshway-rate-limit-'));
    const routesFile = join(dir, 'routes.json');
    // A fresh path per run: Redis outlives the test, and its keys are named after the route.
    writeFileSync(
      routesFile,
      JSON.stringify({
        routes: [
          { path: `${shared}/*`, service: 'users', stripPrefix: shared, rateLimit: { points: SHARED_POINTS, durationSec: SHARED_WINDOW_SEC, by: 'route' } },
          { path: `${fragile}/*`, service: 'users', stripPrefix: fragile, rateLimit: { points: 100_000, durationSec: 60, by: 'ip' } },
        ],
      }),
    );
    proxy = await TcpProxy.start(6379);
    platform = await Platform.start({ services: { users: 1 }, gateway: false, env: { GATEWAY_ROUTES_FILE: routesFile, GATEWAY_RATE_LIMIT_STORE: 'redis', LOG_LEVEL: 'info' } });
    const started = await Promise.all([
      platform.startGateway('gateway-a', { REDIS_URL }),
      platform.startGateway('gateway-b', { REDIS_URL }),
      platform.startGateway('gateway-open', { REDIS_URL: proxy.url('redis'), GATEWAY_RATE_LIMIT_FAIL_MODE: 'open' }),
      platform.startGateway('gateway-closed', { REDIS_URL: proxy.url('redis'), GATEWAY_RATE_LIMIT_FAIL_MODE: 'closed' }),
    ]);
    for (const gateway of started) gateways.set(gateway.name, gateway);
    await waitFor(async () => (await Promise.all(started.map(async (g) => (await fetch(`${g.url}${fragile}/users/1`)).status))).every((status) => status === 200), {
      timeoutMs: 30_000, message: 'users routed by every gateway',
    });
  }, 180_000);

  function replica(name: string): GatewayReplica {
    const gateway = gateways.get(name);
    if (!gateway) throw new Error(`no gateway ${name}`);
    return gateway;
  }

  afterAll(async () => {
    await platform.stop();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`lets exactly the route's budget through two gateways sharing Redis (${String(SHARED_POINTS)} per ${String(SHARED_WINDOW_SEC)} s, within 5 %)`, async () => {
    const counts = new Map<number, number>();
    const until = performance.now() + LOAD_MS;
    await Promise.all(['gateway-a', 'gateway-b'].map((name) => hammer(`${replica(name).url}${shared}/users/1`, 6, until, counts)));
    const allowed = counts.get(200) ?? 0;
    const refused = counts.get(429) ?? 0;
    console.log(`shared limit: ${String(allowed)} allowed, ${String(refused)} refused of ${String(allowed + refused)} in ${String(LOAD_MS)} ms through two gateways (limit ${String(SHARED_POINTS)})`);
    expect([...counts.keys()].sort()).toEqual([200, 429]);
    expect(refused).toBeGreaterThan(SHARED_POINTS);
    expect(Math.abs(allowed - SHARED_POINTS)).toBeLessThanOrEqual(SHARED_POINTS * 0.05);
  });

  it('decides by the configured mode while Redis is unreachable — open lets through, closed answers 503 — logs it once, stays up, and counts again once Redis is back', async () => {
    const open = replica('gateway-open');
    const closed = replica('gateway-closed');
    const ask = (url: string) => fetch(`${url}${fragile}/users/1`, { signal: AbortSignal.timeout(5_000) });
    expect((await ask(open.url)).headers.get('ratelimit-limit')).toBe('100000');

    proxy.cut();
    const during: { open: number[]; closed: number[] } = { open: [], closed: [] };
    for (let i = 0; i < 20; i++) {
      const [a, b] = await Promise.all([ask(open.url), ask(closed.url)]);
      during.open.push(a.status);
      during.closed.push(b.status);
      if (b.status === 503) {
        expect(b.headers.get('retry-after')).toBe('1');
        expect(((await b.json()) as { error: { code: string } }).error.code).toBe('MESHWAY_RATE_LIMIT_UNAVAILABLE');
      }
      expect(a.headers.get('ratelimit-limit')).toBeNull();
    }
    console.log(`redis cut: open answered ${JSON.stringify(during.open.slice(0, 5))}…, closed ${JSON.stringify(during.closed.slice(0, 5))}…`);
    expect(during.open.every((status) => status === 200)).toBe(true);
    expect(during.closed.every((status) => status === 503)).toBe(true);
    for (const gateway of [open, closed]) expect((await fetch(`${gateway.adminUrl}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${open.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/meshway_gateway_rate_limit_store_up 0/);
    expect(metrics).toMatch(/meshway_gateway_rate_limit_degraded_total\{[^}]*\} (?:[2-9]\d|1\d\d)/);

    proxy.restore();
    await waitFor(async () => (await ask(open.url)).headers.get('ratelimit-limit') === '100000' && (await ask(closed.url)).status === 200, { timeoutMs: 10_000, message: 'both gateways counting in Redis again' });
    for (const gateway of [open, closed]) {
      const output = gateway.process.output();
      expect(output.match(/rate-limit store down/g), `${gateway.name} logs the outage once`).toHaveLength(1);
      expect(output.match(/rate-limit store back/g), `${gateway.name} logs the recovery once`).toHaveLength(1);
    }
  });
});
