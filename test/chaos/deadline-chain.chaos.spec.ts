import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, waitFor, type StartedNatsServer } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { requestEnvelope } from './support/nest-nats.request.js';
import { QUICK_USER, SlowUsersServer } from './support/slow-users.server.js';

/** The route's budget (the issue's figure). */
const ROUTE_TIMEOUT_MS = 300;
/** The issue's tolerance around the budget, measured from the client. */
const TOLERANCE_MS = 50;
/** users answers this late: well past the budget. */
const USERS_DELAY_MS = 500;
const RUNS = 5;

const order = (userId: string): object => ({ userId, items: [{ sku: 'sku-1', qty: 1 }] });
const SLOW_USER = '7';

interface Timed {
  readonly status: number;
  readonly code: string | undefined;
  readonly ms: number;
}

async function postOrder(gatewayUrl: string, userId: string): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order(userId)),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, ms };
}

// gateway (route budget 300 ms) → orders over NATS (orders.create) → users over HTTP (MeshClient, GET /users/:id), users slow.
describe('deadline chain: gateway 300 ms → orders (NATS) → users (HTTP, 500 ms)', () => {
  let platform: Platform;
  let nats: StartedNatsServer;
  let users: SlowUsersServer;
  const dir = mkdtempSync(join(tmpdir(), 'meshway-deadline-'));
  /** Stops what started, last first (a failed boot leaves only some of it). */
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // Our own NATS, so the test can also ask orders directly (the platform's own server is private to it).
    nats = await startNatsServer();
    cleanups.push(() => nats.stop());
    const routesFile = join(dir, 'routes.json');
    const route = { path: '/api/orders', methods: ['POST'], service: 'orders', subject: 'orders.create', stripPrefix: '/api', timeoutMs: ROUTE_TIMEOUT_MS };
    writeFileSync(routesFile, JSON.stringify({ routes: [route] }));
    platform = await Platform.start({ services: { orders: 1 }, env: { NATS_URL: nats.url, GATEWAY_ROUTES_FILE: routesFile } });
    cleanups.push(() => platform.stop());
    users = await SlowUsersServer.start(platform.registryUrl, USERS_DELAY_MS);
    cleanups.push(() => users.stop());
    // Warm up: orders is routed, and its MeshClient has found users (an order for the quick user is created).
    await waitFor(async () => (await postOrder(platform.gatewayUrl, QUICK_USER)).status === 201, {
      timeoutMs: 20_000,
      intervalMs: 100,
      message: 'the gateway routes POST /api/orders to orders, and orders finds the stand-in users',
    });
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers 504 MESHWAY_UPSTREAM_TIMEOUT at ${ROUTE_TIMEOUT_MS} ± ${TOLERANCE_MS} ms, and users saw less than ${ROUTE_TIMEOUT_MS} ms of budget`, async () => {
    const results: Timed[] = [];
    const seenBefore = users.seen.length;
    for (let i = 0; i < RUNS; i++) {
      // A quick call first: orders' breaker towards users counts timeouts, and five in a row would open it (then orders
      // answers 503 at once, which is the breaker's job, not this test's subject).
      expect((await postOrder(platform.gatewayUrl, QUICK_USER)).status).toBe(201);
      results.push(await postOrder(platform.gatewayUrl, SLOW_USER));
    }
    const budgets = users.seen.slice(seenBefore).filter((s) => s.path === `/users/${SLOW_USER}`).map((s) => s.budgetMs);
    console.log(`deadline chain: client latencies ${results.map((r) => r.ms).join(', ')} ms (route budget ${ROUTE_TIMEOUT_MS} ms); statuses ${results.map((r) => `${r.status} ${r.code ?? ''}`).join(', ')}`);
    console.log(`deadline chain: users saw x-request-timeout ${budgets.join(', ')} ms`);

    for (const r of results) {
      expect(r, 'the gateway answers at its deadline').toMatchObject({ status: 504, code: 'MESHWAY_UPSTREAM_TIMEOUT' });
      expect(r.ms).toBeGreaterThanOrEqual(ROUTE_TIMEOUT_MS - TOLERANCE_MS);
      expect(r.ms).toBeLessThanOrEqual(ROUTE_TIMEOUT_MS + TOLERANCE_MS);
    }
    // Every request went on to users (one call each: a spent budget is not retried), with what was left of the budget.
    expect(budgets).toHaveLength(RUNS);
    for (const budget of budgets) {
      expect(budget).toBeGreaterThan(0);
      expect(budget).toBeLessThan(ROUTE_TIMEOUT_MS);
    }
  });

  it('orders itself answers an error reply at its inherited deadline (no crash, no 500), and keeps serving', async () => {
    const envelope = { method: 'POST', path: '/orders', params: {}, query: {}, headers: { 'content-type': 'application/json' }, body: order(SLOW_USER) };
    expect((await postOrder(platform.gatewayUrl, QUICK_USER)).status).toBe(201);
    const seenBefore = users.seen.length;
    // What the gateway drops (it has answered 504 by then): orders' own reply, asked for straight over NATS with the same budget.
    const answer = await requestEnvelope(nats.url, 'orders.create', envelope, ROUTE_TIMEOUT_MS);
    const budget = users.seen.at(-1)?.budgetMs;
    console.log(`deadline chain: orders itself answered ${answer.status} ${JSON.stringify(answer.body ?? answer.err)} after ${answer.ms} ms; users saw ${budget} ms`);

    expect(answer.err, 'a reply envelope, not a Nest error packet').toBeUndefined();
    expect([503, 504]).toContain(answer.status);
    expect((answer.body as { error?: { code?: string } }).error?.code).toMatch(/^(USERS_UNAVAILABLE|MESHWAY_UPSTREAM_TIMEOUT|MESHWAY_DEADLINE_EXCEEDED)$/);
    expect(answer.ms, 'orders waited for its deadline').toBeGreaterThanOrEqual(ROUTE_TIMEOUT_MS - TOLERANCE_MS);
    expect(answer.ms, 'orders gave up at its deadline, not at users\' 500 ms').toBeLessThan(USERS_DELAY_MS);
    expect(users.seen.length).toBe(seenBefore + 1);
    expect(budget).toBeLessThan(ROUTE_TIMEOUT_MS);
    const orders = platform.instances('orders')[0]!;
    expect(orders.process.output(), 'orders logged no unexpected error').not.toMatch(/ApiErrorFilter|INTERNAL_ERROR|Unhandled/);
    expect((await postOrder(platform.gatewayUrl, QUICK_USER)).status, 'orders keeps serving').toBe(201);
  });
});
