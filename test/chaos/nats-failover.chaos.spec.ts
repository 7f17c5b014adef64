import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { LoadLoop, probe, type Outcome } from './chaos.client.js';

/** Each NATS attempt's own limit: a request delivered to an instance that then died is sent again after this. */
const PER_TRY_TIMEOUT_MS = 500;
/** How long the second victim stays frozen before its kill: shorter than a try, so a retry never lands on it. */
const FREEZE_MS = 300;
const ROUTE_TIMEOUT_MS = 5_000;
const PATHS = ['/api/orders', '/api/orders?userId=1'];

function report(outcomes: readonly Outcome[], started: number, retries: number): void {
  const seconds = (Date.now() - started) / 1000;
  const failed = outcomes.filter((o) => o.status !== 200);
  const slowest = Math.max(...outcomes.map((o) => o.ms));
  const when = failed.map((o) => `+${((o.at - started) / 1000).toFixed(2)} s ${o.status} ${o.code ?? ''}`).join(', ');
  console.log(`nats failover: ${outcomes.length} GETs in ${seconds.toFixed(1)} s (${(outcomes.length / seconds).toFixed(0)}/s), ${failed.length} failed${when ? ` (${when})` : ''}, slowest ${slowest} ms, ${retries} NATS attempts retried by the gateway`);
}

/** `meshway_gateway_retries_total` of the service, summed over its routes. */
async function retriesOf(adminUrl: string, service: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const pattern = new RegExp(String.raw`^meshway_gateway_retries_total\{[^}]*service="${service}"[^}]*\} (\d+)`, 'gm');
  return [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
}

// orders ×3 in one NATS queue group behind the real gateway; steady GETs on a NATS route while instances die.
describe('NATS failover: orders ×3 under steady GETs, one killed -9, one frozen then killed -9', () => {
  let platform: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'meshway-nats-failover-'));
  /** Stops what started (a failed boot leaves nothing: `Platform.start` stops its own parts). */
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const routesFile = join(dir, 'routes.json');
    const route = {
      path: '/api/orders', methods: ['GET'], service: 'orders', subject: 'orders.list', stripPrefix: '/api', timeoutMs: ROUTE_TIMEOUT_MS,
      retries: { maxAttempts: 3, perTryTimeoutMs: PER_TRY_TIMEOUT_MS },
    };
    writeFileSync(routesFile, JSON.stringify({ routes: [route] }));
    platform = await Platform.start({ services: { orders: 3 }, env: { GATEWAY_ROUTES_FILE: routesFile } });
    cleanups.push(() => platform.stop());
    await waitFor(async () => (await probe(platform.gatewayUrl, '/api/orders')).status === 200, { timeoutMs: 20_000, message: 'the gateway routes GET /api/orders to orders over NATS' });
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /*
   * A request the NATS server already delivered to an instance that dies gets no reply and no error: the gateway
   * only learns of it when the attempt's per-try timeout fires, then sends it again and the queue group hands it to a
   * live member. A plain kill -9 loses only what was on its way to the instance at that instant (0–2 requests in our
   * runs), so the second victim is frozen (SIGSTOP) first: everything delivered to it in that window is lost for sure.
   * The platform runs its own nats-server, so no other test's orders instances share the `orders` queue group.
   */
  it('answers every GET with 200 while two of the three instances die', async () => {
    const [first, second] = platform.instances('orders');
    const retriesBefore = await retriesOf(platform.adminUrl, 'orders');
    const started = Date.now();
    const load = new LoadLoop(platform.gatewayUrl, PATHS, 3);
    let outcomes: readonly Outcome[];
    const at = { killed: 0, frozen: 0 };
    try {
      await sleep(1_500);
      at.killed = Date.now();
      await first!.process.kill('SIGKILL');
      await sleep(2_500);
      at.frozen = Date.now();
      process.kill(-second!.process.pid, 'SIGSTOP');
      await sleep(FREEZE_MS);
      await second!.process.kill('SIGKILL');
      await sleep(3_000);
    } finally {
      outcomes = await load.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    const retries = (await retriesOf(platform.adminUrl, 'orders')) - retriesBefore;
    report(outcomes, started, retries);
    console.log(`nats failover: kill -9 at +${((at.killed - started) / 1000).toFixed(2)} s, SIGSTOP at +${((at.frozen - started) / 1000).toFixed(2)} s and kill -9 ${FREEZE_MS} ms later; per-try timeout ${PER_TRY_TIMEOUT_MS} ms`);

    expect(outcomes.filter((o) => o.status !== 200), 'GETs that were not 200').toEqual([]);
    expect(outcomes.length / seconds, 'steady load throughout (requests per second)').toBeGreaterThan(30);
    expect(retries, 'requests lost in the dead instances were sent again').toBeGreaterThan(0);
    expect(Math.max(...outcomes.map((o) => o.ms)), 'a lost request costs one per-try timeout, not the route timeout').toBeLessThan(ROUTE_TIMEOUT_MS);
  });
});
