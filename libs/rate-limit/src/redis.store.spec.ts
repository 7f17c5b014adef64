import { freePort, TcpProxy, waitFor } from '@meshway/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalCode } from './rate-limit.decision.js';
import { rateLimitHeaders } from './rate-limit.headers.js';
import type { RateLimitLogger, StoreStateEvent } from './rate-limit.store.js';
import { RedisRateLimitStore } from './redis.store.js';
import { RouteRateLimiter } from './route.limiter.js';
import type { RedisStoreOptions } from './store.options.js';

// Against the machine's real Redis (REDIS_URL, else 127.0.0.1:6379). Every key this run writes is under its own
// route prefix, and removed afterwards.
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const RUN = `spec-${process.pid}-${Date.now().toString(36)}`;
let routes = 0;
const route = (): string => `${RUN}-${++routes}`;

/** Writes log lines into an array, so a test can count them. */
function recordingLogger(): RateLimitLogger & { readonly lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj }),
    info: (obj, msg) => lines.push({ level: 'info', msg, obj }),
  };
}

const stores: RedisRateLimitStore[] = [];
function store(options: RedisStoreOptions = {}): RedisRateLimitStore {
  const made = new RedisRateLimitStore({ url: REDIS_URL, ...options });
  stores.push(made);
  return made;
}

/** Runs `fn` and says how long it took, in ms. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let admin: Redis;

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    throw new Error(`These specs need a Redis at ${REDIS_URL} (set REDIS_URL)`, { cause: error });
  }
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `meshway:rl:${RUN}-*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe('RedisRateLimitStore against Redis', () => {
  it('allows `points` per window, refuses the next with the window\'s PTTL, and writes the namespaced key', async () => {
    const s = store();
    expect(await s.ready()).toBe(true);
    const limiter = new RouteRateLimiter(s, route(), { points: 3, durationSec: 10, by: 'consumer' });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume({ consumer: 'alice' }));
    expect(decisions.map((d) => [d.allowed, d.remaining, d.degraded])).toEqual([[true, 2, false], [true, 1, false], [true, 0, false], [false, 0, false]]);
    const refused = decisions[3]!;
    expect(refused.resetMs).toBeGreaterThan(9_000);
    expect(refused.resetMs).toBeLessThanOrEqual(10_000);
    expect(rateLimitHeaders(refused)).toEqual(['RateLimit-Limit', '3', 'RateLimit-Remaining', '0', 'RateLimit-Reset', '10', 'Retry-After', '10']);
    const key = limiter.key({ consumer: 'alice' });
    expect(await admin.get(key)).toBe('4');
    expect(await admin.pttl(key)).toBeGreaterThan(9_000);
    expect(s.stats()).toMatchObject({ allowed: 3, denied: 1, degraded: 0, failures: 0, outages: 0, down: false });
  });

  it('counts requests of one turn together and gives each its own place in the count, as one-by-one calls would', async () => {
    const s = store();
    expect(await s.ready()).toBe(true);
    const limiter = new RouteRateLimiter(s, route(), { points: 10, durationSec: 10, by: 'consumer' });
    // 25 requests for bob in one turn (one INCRBY 25), and 2 for carol beside them (their own key, their own count).
    const bob = Promise.all(Array.from({ length: 25 }, () => limiter.consume({ consumer: 'bob' })));
    const carol = Promise.all([limiter.consume({ consumer: 'carol' }), limiter.consume({ consumer: 'carol' })]);
    const [decisions, others] = await Promise.all([bob, carol]);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, ...Array<number>(15).fill(0)]);
    expect(decisions.slice(10).every((d) => !d.allowed && d.retryAfterSec > 0 && !d.degraded)).toBe(true);
    expect(others.map((d) => d.remaining)).toEqual([9, 8]);
    expect(await admin.get(limiter.key({ consumer: 'bob' }))).toBe('25');
    // The next turn goes on from there.
    expect(await limiter.consume({ consumer: 'bob' })).toMatchObject({ allowed: false, remaining: 0 });
    expect(await admin.get(limiter.key({ consumer: 'bob' }))).toBe('26');
    expect(s.stats()).toMatchObject({ allowed: 12, denied: 16, degraded: 0 });
  });

  it('holds requests that arrive while their key\'s count is in flight for the next count, in order', async () => {
    const s = store();
    expect(await s.ready()).toBe(true);
    const limiter = new RouteRateLimiter(s, route(), { points: 8, durationSec: 10, by: 'consumer' });
    const first = Array.from({ length: 5 }, () => limiter.consume({ consumer: 'dana' }));
    await new Promise((resolve) => setImmediate(resolve)); // the first five are on their way
    const second = Array.from({ length: 5 }, () => limiter.consume({ consumer: 'dana' }));
    const decisions = await Promise.all([...first, ...second]);
    expect(decisions.map((d) => d.remaining)).toEqual([7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, true, true, true, false, false]);
    expect(await admin.get(limiter.key({ consumer: 'dana' }))).toBe('10');
  });

  it('two gateways sharing Redis allow the limit between them, window after window (within 5 %)', async () => {
    const [a, b] = [store(), store()];
    await Promise.all([a.ready(), b.ready()]);
    const name = route();
    const points = 50;
    const [gatewayA, gatewayB] = [new RouteRateLimiter(a, name, { points, durationSec: 1, by: 'route' }), new RouteRateLimiter(b, name, { points, durationSec: 1, by: 'route' })];
    const perWindow: number[] = [];
    for (let window = 0; window < 3; window++) {
      // Both gateways at once, each sending as many requests as the whole limit.
      const decisions = await Promise.all(Array.from({ length: points }, () => [gatewayA.consume({}), gatewayB.consume({})]).flat());
      expect(decisions.every((d) => !d.degraded)).toBe(true);
      perWindow.push(decisions.filter((d) => d.allowed).length);
      await sleep(Math.max(...decisions.map((d) => d.resetMs)) + 30);
    }
    for (const allowed of perWindow) expect(Math.abs(allowed - points)).toBeLessThanOrEqual(points * 0.05);
    const total = perWindow.reduce((x, y) => x + y, 0);
    expect(Math.abs(total - 3 * points)).toBeLessThanOrEqual(3 * points * 0.05);
    expect(a.stats().allowed + b.stats().allowed).toBe(total);
  });
});

describe('RedisRateLimitStore when Redis is unreachable', () => {
  const limit = { points: 5, durationSec: 1 };

  it('open: a closed port lets requests through, degraded, at once; logged once; counted', async () => {
    const logger = recordingLogger();
    const events: StoreStateEvent[] = [];
    const s = store({ url: `redis://127.0.0.1:${await freePort()}`, failMode: 'open', logger, onStateChange: (e) => events.push(e), connectTimeoutMs: 200 });
    expect(await s.ready()).toBe(false);
    for (let i = 0; i < 20; i++) {
      const { value, ms } = await timed(() => s.consume(`meshway:rl:${RUN}-closed:ip:1`, limit));
      expect(value).toEqual({ allowed: true, limit: 5, remaining: 5, resetMs: 0, retryAfterSec: 0, degraded: true });
      expect(ms).toBeLessThan(100);
      expect(rateLimitHeaders(value)).toEqual([]);
    }
    expect(logger.lines).toEqual([{ level: 'warn', msg: expect.stringContaining('rate-limit store down') as unknown, obj: expect.objectContaining({ store: 'redis', failMode: 'open' }) as unknown }]);
    expect(events).toEqual([expect.objectContaining({ state: 'down', store: 'redis' })]);
    expect(s.stats()).toEqual({ allowed: 20, denied: 0, degraded: 20, failures: 20, timeouts: 0, outages: 1, down: true });
  });

  it('closed: a closed port refuses with MESHWAY_RATE_LIMIT_UNAVAILABLE and Retry-After', async () => {
    const logger = recordingLogger();
    const s = store({ url: `redis://:secret@127.0.0.1:${await freePort()}`, failMode: 'closed', logger, connectTimeoutMs: 200 });
    const decisions = await Promise.all(Array.from({ length: 10 }, () => s.consume(`meshway:rl:${RUN}-closed:ip:1`, limit)));
    for (const d of decisions) {
      expect(d).toMatchObject({ allowed: false, degraded: true, retryAfterSec: 1 });
      expect(refusalCode(d)).toBe('MESHWAY_RATE_LIMIT_UNAVAILABLE');
      expect(rateLimitHeaders(d)).toEqual(['Retry-After', '1']);
    }
    expect(logger.lines).toHaveLength(1);
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
    expect(s.stats()).toMatchObject({ allowed: 0, denied: 10, outages: 1 });
  });
});

describe('RedisRateLimitStore when Redis goes away mid-run (through a TCP proxy the test cuts)', () => {
  let proxy: TcpProxy;
  const timeoutMs = 100;
  /** What a loaded, shared 2-core machine may add to a bounded call (an unbounded one would hang for good). */
  const slack = 400;

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await TcpProxy.start(Number(target.port || 6379), target.hostname);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('cut: open mode lets requests through within the timeout, logs "down" once and "back" once, counts the outage', async () => {
    proxy.restore();
    const logger = recordingLogger();
    const events: StoreStateEvent[] = [];
    const s = store({ url: proxy.url('redis'), failMode: 'open', timeoutMs, connectTimeoutMs: 300, logger, onStateChange: (e) => events.push(e) });
    expect(await s.ready()).toBe(true);
    const limiter = new RouteRateLimiter(s, route(), { points: 1_000, durationSec: 60, by: 'ip' });
    expect((await limiter.consume({ ip: '1.2.3.4' })).degraded).toBe(false);

    proxy.cut();
    for (let i = 0; i < 30; i++) {
      const { value, ms } = await timed(() => limiter.consume({ ip: '1.2.3.4' }));
      expect(value).toMatchObject({ allowed: true, degraded: true });
      expect(ms).toBeLessThan(timeoutMs + slack);
    }
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);

    proxy.restore();
    await waitFor(async () => !(await limiter.consume({ ip: '1.2.3.4' })).degraded, { timeoutMs: 5_000, message: 'the store to reach Redis again' });
    for (let i = 0; i < 5; i++) expect((await limiter.consume({ ip: '1.2.3.4' })).degraded).toBe(false);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logger.lines[1]).toMatchObject({ msg: 'rate-limit store back', obj: { store: 'redis', degraded: expect.any(Number) as unknown, downMs: expect.any(Number) as unknown } });
    expect(events.map((e) => e.state)).toEqual(['down', 'up']);
    expect(s.stats()).toMatchObject({ outages: 1, down: false });
    expect(s.stats().degraded).toBeGreaterThanOrEqual(30);
  });

  it('hang: closed mode refuses with 503 semantics, each call bounded by timeoutMs; logged once; back after', async () => {
    proxy.restore();
    const logger = recordingLogger();
    // connectTimeoutMs (which also drops a silent connection) well above the calls: only timeoutMs bounds them here.
    const s = store({ url: proxy.url('redis'), failMode: 'closed', timeoutMs, connectTimeoutMs: 2_000, logger });
    expect(await s.ready()).toBe(true);
    const limiter = new RouteRateLimiter(s, route(), { points: 1_000, durationSec: 60, by: 'ip' });
    expect((await limiter.consume({ ip: '1.2.3.4' })).allowed).toBe(true);

    proxy.hang();
    const calls = await Promise.all(Array.from({ length: 20 }, () => timed(() => limiter.consume({ ip: '1.2.3.4' }))));
    for (const { value, ms } of calls) {
      expect(value).toMatchObject({ allowed: false, degraded: true });
      expect(refusalCode(value)).toBe('MESHWAY_RATE_LIMIT_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5); // Redis hung: the call waited for its bound, and no longer
      expect(ms).toBeLessThan(timeoutMs + slack);
    }
    expect(s.stats().timeouts).toBeGreaterThanOrEqual(1);
    // Still hung: later calls fail fast or within the bound, and nothing more is logged.
    for (let i = 0; i < 5; i++) expect((await timed(() => limiter.consume({ ip: '1.2.3.4' }))).ms).toBeLessThan(timeoutMs + slack);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);

    proxy.restore();
    await waitFor(async () => (await limiter.consume({ ip: '1.2.3.4' })).allowed, { timeoutMs: 5_000, message: 'the store to reach Redis again' });
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(s.stats()).toMatchObject({ outages: 1, down: false });
  });
});
