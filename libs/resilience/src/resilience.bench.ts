import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleAll, retry, wrap } from 'cockatiel';
import { seededRandom, systemClock } from '@meshway/clock';
import { bench, describe } from 'vitest';
import { FullJitterBackoff } from './full-jitter.backoff.js';
import { resolvePolicies } from './resilience.config.js';
import { RetryPolicy } from './retry.policy.js';
import { UpstreamGuards } from './upstream.guards.js';

// What the gateway pays per request for resilience bookkeeping, ours against cockatiel 3's:
// `npx vitest bench --project resilience --run`. The README quotes the numbers.
const instances = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
const guards = new UpstreamGuards(resolvePolicies(), systemClock);
guards.retain(instances);
const policy = new RetryPolicy({}, seededRandom(1));
const question = { attempt: 1, method: 'GET', failure: 'status', status: 503, remainingMs: 1_000, responseStarted: false } as const;
const breakerPolicy = circuitBreaker(handleAll, { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) });
/** Keeps results alive so the engine cannot drop the work. */
let sink = 0;
const composed = wrap(retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }), breakerPolicy);

describe('per request, success path', () => {
  bench('meshway: available + tryAcquire + report + budget (sync, no allocation)', () => {
    const chosen = guards.available(instances)[0];
    if (chosen && guards.tryAcquire(chosen.id)) guards.report(chosen.id, 'success');
    guards.budget?.recordRequest();
  }, { time: 500 });

  bench('cockatiel: breaker.execute(fn) (a promise per call)', async () => {
    await breakerPolicy.execute(() => 1);
  }, { time: 500 });

  bench('cockatiel: wrap(retry, breaker).execute(fn)', async () => {
    await composed.execute(() => 1);
  }, { time: 500 });
});

describe('per failed attempt: should it be retried, after how long', () => {
  bench('meshway: RetryPolicy.decide + budget.tryWithdraw', () => {
    const decision = policy.decide(question);
    if (decision.retry) guards.budget?.tryWithdraw();
  }, { time: 500 });

  const ours = new FullJitterBackoff({ baseMs: 25, maxMs: 1_000 }, seededRandom(2));
  bench('meshway: FullJitterBackoff.delay(n)', () => {
    sink += ours.delay(3);
  }, { time: 500 });

  const theirs = new ExponentialBackoff({ initialDelay: 25, maxDelay: 1_000 });
  bench('cockatiel: ExponentialBackoff.next() ×3 (a new state object per step)', () => {
    sink += theirs.next().next(undefined).next(undefined).duration;
  }, { time: 500 });
});

describe('breaker strategy alone', () => {
  const consecutive = new ConsecutiveBreaker(5);
  bench('cockatiel: ConsecutiveBreaker success()/failure()', () => {
    consecutive.failure();
    consecutive.success();
  }, { time: 500 });

  bench('meshway: BreakerBoard onFailure/onSuccess (with the state machine)', () => {
    guards.breakers?.onFailure('a');
    guards.breakers?.onSuccess('a');
  }, { time: 500 });
});

export { sink };
