import { bench, describe } from 'vitest';
import { CircuitBreakerPolicy, ConsecutiveBreaker, handleAll, circuitBreaker, retry, ExponentialBackoff, wrap } from 'cockatiel';
import { systemClock } from '@meshway/clock';
import { UpstreamGuards } from './upstream.guards.js';
import { resolvePolicies } from './policies.js';

// What the gateway pays per request for breaker + retry bookkeeping on the success path, ours vs cockatiel 3's
// execute()-wrapping policies: `npx vitest bench --project resilience --run`.
const guards = new UpstreamGuards(resolvePolicies(), systemClock);
const instances = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
const ok = { ok: true } as const;
const cockatiel: CircuitBreakerPolicy = circuitBreaker(handleAll, { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) });
const composed = wrap(retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }), cockatiel);

describe('success path per request', () => {
  bench('meshway: available + tryAcquire + report (sync)', () => {
    const [first] = guards.available(instances);
    if (first && guards.tryAcquire(first.id)) guards.report(first.id, ok, 3);
    guards.budget?.recordRequest();
  }, { time: 500 });

  bench('cockatiel: breaker.execute(fn) (promise per call)', async () => {
    await cockatiel.execute(() => 1);
  }, { time: 500 });

  bench('cockatiel: wrap(retry, breaker).execute(fn)', async () => {
    await composed.execute(() => 1);
  }, { time: 500 });
});
