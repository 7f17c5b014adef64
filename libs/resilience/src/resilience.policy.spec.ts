import { seededRandom } from '@meshway/clock';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { Deadline } from './deadline.js';
import { currentDeadline, runWithDeadline } from './deadline.context.js';
import type { FailureKind } from './failure-kind.js';
import { resolvePolicies, type ResilienceConfig } from './resilience.config.js';
import { ResiliencePolicy, type Attempt, type ExecuteOptions, type RetryEvent } from './resilience.policy.js';
import { RetryPolicy, type RetryOptions } from './retry.policy.js';
import { UpstreamGuards } from './upstream.guards.js';

/** An attempt that failed in a way the instance is to blame for (what a transport's classifier recognises). */
class Failed extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(`${kind}${status === undefined ? '' : ` ${status}`}`);
  }
}
/** Not the instance's fault (a 404): never retried, never blamed. */
class NotFound extends Error {}

const classify = (error: unknown) => (error instanceof Failed ? { failure: error.kind, status: error.status, retryAfterMs: error.retryAfterMs } : undefined);
const first = <I>(candidates: readonly I[]): I | undefined => candidates[0];
const SEED = 11;

/** Instances that answer from a script: each id's outcomes in turn ('ok', an error, or 'hang' until aborted), then 'ok'. */
function world(script: Record<string, (Error | 'ok' | 'hang')[]>) {
  const calls: string[] = [];
  const instances = Object.keys(script).map((id) => ({ id }));
  const send = (id: string, signal: AbortSignal): Promise<string> => {
    calls.push(id);
    const next = script[id]?.shift() ?? 'ok';
    if (next === 'ok') return Promise.resolve(`answer from ${id}`);
    if (next === 'hang') {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => { reject(signal.reason as Error); });
      });
    }
    return Promise.reject(next);
  };
  /** The attempt MeshClient would make: choose an instance among these, send to it. */
  const attempt = async (a: Attempt): Promise<string> => {
    const instance = a.choose(instances, first);
    if (instance === undefined) throw new NotFound('no instance');
    return send(instance.id, a.signal);
  };
  return { calls, instances, attempt };
}

function setup(config: ResilienceConfig = {}, retry: RetryOptions | false = { backoff: { baseMs: 100, maxMs: 100 } }) {
  const clock = new FakeClock();
  const guards = new UpstreamGuards(resolvePolicies(config), clock);
  const retries: RetryEvent[] = [];
  const policy = new ResiliencePolicy({
    clock,
    guards,
    classify,
    ...(retry === false ? {} : { retry: new RetryPolicy(retry, seededRandom(SEED)) }),
    onRetry: (event) => retries.push(event),
  });
  return { clock, guards, retries, policy };
}

/** Runs the call, moving the fake clock on in 1 ms steps until it settles; tells how it ended and when. */
async function run<T>(clock: FakeClock, call: () => Promise<T>, limitMs = 60_000): Promise<{ value?: T; error?: unknown; tookMs: number }> {
  const start = clock.monotonic();
  let outcome: { value?: T; error?: unknown } | undefined;
  call().then((value) => (outcome = { value }), (error: unknown) => (outcome = { error }));
  await clock.advance(0);
  for (let i = 0; i < limitMs && outcome === undefined; i++) await clock.advance(1);
  if (outcome === undefined) throw new Error(`still running after ${limitMs} ms`);
  return { ...outcome, tookMs: clock.monotonic() - start };
}

const GET: ExecuteOptions = { method: 'GET', timeoutMs: 5_000 };

describe('ResiliencePolicy.execute', () => {
  it('retries a GET on 503 on another instance, after a full-jitter backoff slept on the clock', async () => {
    const { clock, policy, retries } = setup();
    const w = world({ a: [new Failed('status', 503)], b: [] });
    const result = await run(clock, () => policy.execute(w.attempt, GET));
    expect(result.value).toBe('answer from b');
    expect(w.calls).toEqual(['a', 'b']);
    const delay = Math.floor(seededRandom(SEED)() * 100);
    expect(retries).toEqual([{ attempt: 1, instanceId: 'a', failure: { failure: 'status', status: 503, retryAfterMs: undefined }, delayMs: delay }]);
    expect(result.tookMs).toBe(delay);
  });

  it('gives up after maxAttempts with the last attempt\'s error', async () => {
    const { clock, policy } = setup();
    const last = new Failed('status', 502);
    const w = world({ a: [new Failed('status', 503), last], b: [new Failed('status', 504)] });
    const result = await run(clock, () => policy.execute(w.attempt, GET));
    expect(result.error).toBe(last);
    expect(w.calls).toEqual(['a', 'b', 'a']);
  });

  it('tries the same instance again when it is the only one', async () => {
    const { clock, policy } = setup({ outlier: false });
    const w = world({ a: [new Failed('timeout')] });
    expect((await run(clock, () => policy.execute(w.attempt, GET))).value).toBe('answer from a');
    expect(w.calls).toEqual(['a', 'a']);
  });

  it('throws what is not the instance\'s fault at once: no retry, no blame', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1 } });
    const notFound = new NotFound('404');
    const w = world({ a: [notFound] });
    expect((await run(clock, () => policy.execute(w.attempt, GET))).error).toBe(notFound);
    expect(w.calls).toEqual(['a']);
    expect(guards.breakers?.admits('a')).toBe(true);
  });

  it('retries a POST whose connection was refused (it never left), never one whose connection broke', async () => {
    const refused = setup();
    const w1 = world({ a: [new Failed('connect')], b: [] });
    expect((await run(refused.clock, () => refused.policy.execute(w1.attempt, { method: 'POST' }))).value).toBe('answer from b');
    const broke = setup();
    const w2 = world({ a: [new Failed('reset')], b: [] });
    expect((await run(broke.clock, () => broke.policy.execute(w2.attempt, { method: 'POST' }))).error).toBeInstanceOf(Failed);
    expect(w2.calls).toEqual(['a']);
  });

  it('retries a POST the call marks retryable', async () => {
    const { clock, policy } = setup();
    const w = world({ a: [new Failed('reset')], b: [] });
    expect((await run(clock, () => policy.execute(w.attempt, { method: 'POST', retryable: true }))).value).toBe('answer from b');
  });

  it('stops retrying once the upstream\'s retry budget is spent', async () => {
    const { clock, policy, guards } = setup({ budget: { ratio: 0, minRetriesPerSecond: 0 } });
    const w = world({ a: [new Failed('status', 503)], b: [] });
    expect((await run(clock, () => policy.execute(w.attempt, GET))).error).toBeInstanceOf(Failed);
    expect(w.calls).toEqual(['a']);
    expect(guards.budget?.refusedCount).toBe(1);
  });

  it('counts each call once against the budget, however many attempts it makes', async () => {
    const { clock, policy, guards } = setup({ budget: { ratio: 1, minRetriesPerSecond: 0 } });
    const w = world({ a: [new Failed('status', 503)], b: [] });
    await run(clock, () => policy.execute(w.attempt, GET));
    expect(guards.budget?.available).toBe(0); // 1 request, 1 retry
  });

  it('runs one attempt without a retry policy', async () => {
    const { clock, policy } = setup({}, false);
    const w = world({ a: [new Failed('connect')], b: [] });
    expect((await run(clock, () => policy.execute(w.attempt, GET))).error).toBeInstanceOf(Failed);
    expect(w.calls).toEqual(['a']);
  });

  it('honours Retry-After: the next attempt waits as long as the upstream asked', async () => {
    const { clock, policy } = setup();
    const w = world({ a: [new Failed('status', 503, 2_000)], b: [] });
    const result = await run(clock, () => policy.execute(w.attempt, GET));
    expect(result).toEqual({ value: 'answer from b', tookMs: 2_000 });
  });

  it('does not schedule a retry whose wait would not fit in what is left of the deadline', async () => {
    const { clock, policy } = setup();
    const w = world({ a: [new Failed('status', 503, 400)], b: [] });
    const result = await run(clock, () => policy.execute(w.attempt, { method: 'GET', timeoutMs: 300 }));
    expect(result.error).toBeInstanceOf(Failed);
    expect(result.tookMs).toBe(0);
    expect(w.calls).toEqual(['a']);
  });

  it('refuses with MESHWAY_DEADLINE_EXCEEDED, calling nothing, when the deadline already passed', async () => {
    const { clock, policy } = setup();
    const w = world({ a: [] });
    const spent = Deadline.after(10, clock);
    await clock.advance(10);
    await expect(policy.execute(w.attempt, { deadline: spent })).rejects.toMatchObject({ code: 'MESHWAY_DEADLINE_EXCEEDED' });
    expect(w.calls).toEqual([]);
  });

  it('inherits the deadline of the request being served, narrows it by timeoutMs and passes it down', async () => {
    const { clock, policy } = setup();
    const served = Deadline.after(300, clock);
    const seen: [number, number | undefined][] = [];
    const look = (a: Attempt) => {
      seen.push([a.remainingMs, currentDeadline()?.remaining(clock)]);
      return Promise.resolve('ok');
    };
    await runWithDeadline(served, async () => {
      await policy.execute(look);
      await policy.execute(look, { timeoutMs: 100 });
      await policy.execute(look, { timeoutMs: 1_000 });
    });
    await policy.execute(look);
    expect(seen).toEqual([[300, 300], [100, 100], [300, 300], [Number.POSITIVE_INFINITY, undefined]]);
  });

  it('lets an explicit deadline shorten the served request\'s, never extend it', async () => {
    const { clock, policy } = setup();
    const look = (a: Attempt) => Promise.resolve(a.remainingMs);
    const remaining = await runWithDeadline(Deadline.after(300, clock), () =>
      Promise.all([policy.execute(look, { deadline: Deadline.after(100, clock) }), policy.execute(look, { deadline: Deadline.after(900, clock) })]),
    );
    expect(remaining).toEqual([100, 300]);
    expect(await policy.execute(look, { deadline: Deadline.after(900, clock) })).toBe(900);
  });

  it('aborts an attempt at the deadline, blames the instance for a timeout and does not retry', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1 }, outlier: false });
    const w = world({ a: ['hang'], b: [] });
    const result = await run(clock, () => policy.execute(w.attempt, { method: 'GET', timeoutMs: 500 }));
    expect(result.error).toMatchObject({ code: 'MESHWAY_DEADLINE_EXCEEDED' });
    expect(result.tookMs).toBe(500);
    expect(w.calls).toEqual(['a']);
    expect(guards.breakers?.admits('a')).toBe(false);
  });

  it('aborts an attempt at its per-try limit and retries it elsewhere within the deadline', async () => {
    const clock = new FakeClock();
    const policy = new ResiliencePolicy({ clock, classify, retry: new RetryPolicy({ perTryTimeoutMs: 100, backoff: { baseMs: 1, maxMs: 1 } }, seededRandom(SEED)) });
    const w = world({ a: ['hang'], b: [] });
    const seen: number[] = [];
    const result = await run(clock, () => policy.execute(async (a) => {
      seen.push(a.remainingMs);
      return w.attempt(a);
    }, GET));
    expect(result.value).toBe('answer from b');
    expect(result.tookMs).toBe(100);
    expect(seen).toEqual([100, 100]);
  });

  it('gives up at once when the caller aborts: its reason, no retry, no blame', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1 } });
    const w = world({ a: ['hang'], b: [] });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const call = policy.execute(w.attempt, { ...GET, signal: controller.signal });
    await clock.advance(50);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(w.calls).toEqual(['a']);
    expect(guards.breakers?.states().size).toBe(0);
  });

  it('stops a backoff wait when the caller aborts', async () => {
    const { clock, policy } = setup({}, { backoff: { baseMs: 1_000, maxMs: 1_000 } });
    const w = world({ a: [new Failed('status', 503)], b: [] });
    const controller = new AbortController();
    const call = policy.execute(w.attempt, { ...GET, signal: controller.signal });
    await clock.advance(1);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    await clock.advance(2_000);
    expect(w.calls).toEqual(['a']);
  });

  it('skips ejected instances and open breakers when choosing', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1 } });
    const w = world({ a: [], b: [], c: [] });
    guards.retain(w.instances);
    guards.report('a', 'connect'); // ejected (and its breaker open)
    guards.breakers?.onFailure('b'); // breaker open
    expect((await run(clock, () => policy.execute(w.attempt, GET))).value).toBe('answer from c');
  });

  it('answers MESHWAY_CIRCUIT_OPEN without an attempt when every breaker is open', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1 }, outlier: false });
    const w = world({ a: [], b: [] });
    guards.breakers?.onFailure('a');
    guards.breakers?.onFailure('b');
    const result = await run(clock, () => policy.execute(w.attempt, GET));
    expect(result.error).toMatchObject({ code: 'MESHWAY_CIRCUIT_OPEN', message: 'The circuit breaker of every instance (2) is open' });
    expect(w.calls).toEqual([]);
  });

  it('sends a half-open instance one probe; its success closes the breaker', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1, openMs: 1_000 }, outlier: false });
    const w = world({ a: [] });
    guards.breakers?.onFailure('a');
    await clock.advance(1_000);
    expect((await run(clock, () => policy.execute(w.attempt, GET))).value).toBe('answer from a');
    expect(guards.breakers?.states().get('a')).toBe('closed');
  });

  it('leaves no probe slot taken when the attempt ends without a verdict', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1, openMs: 1_000 }, outlier: false });
    const w = world({ a: [new NotFound('404')] });
    guards.breakers?.onFailure('a');
    await clock.advance(1_000);
    await run(clock, () => policy.execute(w.attempt, GET));
    expect(guards.breakers?.admits('a')).toBe(true);
  });

  it('holds one bulkhead slot for the whole call, across its retries', async () => {
    const { clock, policy, guards } = setup({ bulkhead: { maxConcurrent: 1 } });
    const w = world({ a: [new Failed('status', 503)], b: [] });
    const inFlight: number[] = [];
    const result = await run(clock, () => policy.execute(async (a) => {
      inFlight.push(guards.bulkhead?.inFlight ?? -1);
      return w.attempt(a);
    }, GET));
    expect(result.value).toBe('answer from b');
    expect(inFlight).toEqual([1, 1]);
    expect(guards.bulkhead?.inFlight).toBe(0);
  });

  it('refuses with MESHWAY_BULKHEAD_FULL at once when every slot is busy and there is no queue', async () => {
    const { policy, guards } = setup({ bulkhead: { maxConcurrent: 1 } });
    guards.bulkhead?.tryAcquire();
    const w = world({ a: [] });
    await expect(policy.execute(w.attempt, GET)).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL' });
    expect(w.calls).toEqual([]);
  });

  it('waits in the bulkhead\'s queue at most until the deadline', async () => {
    const { clock, policy, guards } = setup({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    guards.bulkhead?.tryAcquire();
    const w = world({ a: [] });
    const result = await run(clock, () => policy.execute(w.attempt, { method: 'GET', timeoutMs: 250 }));
    expect(result.error).toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL' });
    expect(result.tookMs).toBe(250);
    expect(guards.bulkhead?.queued).toBe(0);
  });

  it('goes ahead as soon as a queued call gets its slot', async () => {
    const { clock, policy, guards } = setup({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    guards.bulkhead?.tryAcquire();
    const w = world({ a: [] });
    const call = run(clock, () => policy.execute(w.attempt, GET));
    await clock.advance(40);
    guards.bulkhead?.release();
    expect(await call).toMatchObject({ value: 'answer from a' });
  });

  it('gives back the probe slot of an instance chosen first and then changed within one attempt', async () => {
    const { clock, policy, guards } = setup({ breaker: { threshold: 1, openMs: 1_000 }, outlier: false });
    const w = world({ a: [], b: [] });
    guards.breakers?.onFailure('a');
    await clock.advance(1_000);
    const result = await run(clock, () => policy.execute(async (a) => {
      a.choose(w.instances, first); // 'a', half-open: takes its probe slot
      const instance = a.choose(w.instances, (candidates) => candidates[1]); // the caller changes its mind
      return Promise.resolve(instance?.id);
    }, GET));
    expect(result.value).toBe('b');
    expect(guards.breakers?.admits('a')).toBe(true);
  });

  it('passes the caller\'s own "no instance" through when its balancer picks nothing', async () => {
    const { clock, policy } = setup();
    const result = await run(clock, () => policy.execute(async (a) => {
      const none: { id: string }[] = [];
      const instance = a.choose(none, first);
      if (instance === undefined) throw new NotFound('no instance of users');
      return Promise.resolve(instance.id);
    }, GET));
    expect(result.error).toBeInstanceOf(NotFound);
  });
});
