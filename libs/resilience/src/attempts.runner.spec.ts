import { describe, expect, it } from 'vitest';
import { seededRandom } from '@meshway/clock';
import { FakeClock } from '@meshway/testing';
import { runAttempts } from './attempts.runner.js';
import { resolvePolicies } from './policies.js';
import { RetryPolicy } from './retry.policy.js';
import { UpstreamGuards } from './upstream.guards.js';

class Unavailable extends Error {}
class NotFound extends Error {}

/** Instances that fail `failures[id]` times, then answer their id. */
function world(failures: Record<string, number>) {
  const calls: string[] = [];
  const instances = Object.keys(failures).map((id) => ({ id }));
  const attempt = (instance: { id: string }): Promise<string> => {
    calls.push(instance.id);
    if ((failures[instance.id] ?? 0) > 0) {
      failures[instance.id] = (failures[instance.id] ?? 0) - 1;
      return Promise.reject(new Unavailable(instance.id));
    }
    return Promise.resolve(instance.id);
  };
  return { calls, instances, attempt };
}

function options(clock: FakeClock, w: ReturnType<typeof world>, policies = resolvePolicies({ retries: { attempts: 3, backoff: { baseMs: 10, maxMs: 10 } }, outlier: false })) {
  return {
    guards: new UpstreamGuards(policies, clock),
    retry: new RetryPolicy(policies.retry ?? {}, seededRandom(3)),
    clock,
    method: 'GET',
    instances: () => w.instances,
    pick: (candidates: readonly { id: string }[]) => candidates[0] ?? (() => { throw new Error('none'); })(),
    attempt: w.attempt,
    classify: (error: unknown) => (error instanceof Unavailable ? { kind: 'connect' as const } : undefined),
    remainingMs: () => 5_000,
  };
}

/** Moves the fake clock on until `promise` settles (the runner sleeps its backoff on it). */
async function settled<T>(clock: FakeClock, promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then((value) => (outcome = { value }), (error: unknown) => (outcome = { error }));
  for (let i = 0; i < 1_000 && outcome === undefined; i++) await clock.advance(5);
  return outcome ?? {};
}

describe('runAttempts (MeshClient\'s retry loop)', () => {
  it('tries another instance after a failure, after the backoff on the clock', async () => {
    const clock = new FakeClock();
    const w = world({ a: 1, b: 0 });
    expect(await settled(clock, runAttempts(options(clock, w)))).toEqual({ value: 'b' });
    expect(w.calls).toEqual(['a', 'b']);
  });

  it('gives up after the last attempt with the last error', async () => {
    const clock = new FakeClock();
    const w = world({ a: 5, b: 5 });
    expect((await settled(clock, runAttempts(options(clock, w)))).error).toBeInstanceOf(Unavailable);
    expect(w.calls).toEqual(['a', 'b', 'a']);
  });

  it('never retries what is not the instance\'s fault (a 404), and never beyond the budget', async () => {
    const clock = new FakeClock();
    const notFound = { ...options(clock, world({ a: 0 })), attempt: () => Promise.reject(new NotFound('x')) };
    await expect(runAttempts(notFound)).rejects.toBeInstanceOf(NotFound);
    const w = world({ a: 100, b: 100 });
    const budgetless = options(clock, w, resolvePolicies({ retries: { attempts: 3, backoff: { baseMs: 1, maxMs: 1 }, budget: { ratio: 0, minRetriesPerSecond: 0 } }, outlier: false }));
    await expect(runAttempts(budgetless)).rejects.toBeInstanceOf(Unavailable);
    expect(w.calls).toEqual(['a']);
  });
});

describe('resolvePolicies', () => {
  it('gives 3 attempts, a 20 % budget, a 5-failure breaker and ejection by default, no bulkhead', () => {
    const policies = resolvePolicies();
    expect(policies.retry).toMatchObject({ attempts: 3, retryOn: [502, 503, 504], retryable: false });
    expect(policies.budget).toEqual({ ratio: 0.2, minRetriesPerSecond: 5, windowMs: 10_000 });
    expect(policies.breaker).toEqual({ consecutiveFailures: 5 });
    expect(policies.outlier).toMatchObject({ consecutive5xx: 5, consecutiveConnectFailures: 1 });
    expect(policies.bulkhead).toBeUndefined();
  });

  it('turns policies off with false and takes the given fields over the defaults', () => {
    const policies = resolvePolicies({ retries: false, breaker: { failureRatio: 0.5, windowSec: 30 }, bulkhead: { maxConcurrent: 10 }, retryOn: [503] });
    expect(policies.retry).toBeUndefined();
    expect(policies.budget).toBeUndefined();
    expect(policies.breaker).toEqual({ failureRatio: 0.5, windowMs: 30_000 });
    expect(policies.bulkhead).toEqual({ maxConcurrent: 10 });
  });
});
