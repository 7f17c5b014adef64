import { seededRandom } from '@meshway/clock';
import { describe, expect, it } from 'vitest';
import { resolveRetryOptions, RetryPolicy, type RetryOptions, type RetryQuestion } from './retry.policy.js';

const policy = (options: RetryOptions = {}, seed = 7) => new RetryPolicy({ backoff: { baseMs: 100, maxMs: 1_000 }, ...options }, seededRandom(seed));

/** A GET that got a 503 on its first attempt, with 5 s left: each spec changes what it is about. */
const question = (q: Partial<RetryQuestion> = {}): RetryQuestion => ({
  attempt: 1,
  method: 'GET',
  failure: 'status',
  status: 503,
  remainingMs: 5_000,
  responseStarted: false,
  ...q,
});

describe('RetryPolicy.decide', () => {
  it('retries a GET on 503 after a full-jitter delay within the deadline', () => {
    const decision = policy().decide(question());
    expect(decision.retry).toBe(true);
    if (!decision.retry) return;
    expect(decision.delayMs).toBeGreaterThanOrEqual(0);
    expect(decision.delayMs).toBeLessThan(100); // the first ceiling: baseMs
    expect(decision.delayMs).toBe(Math.floor(seededRandom(7)() * 100)); // the seed's first draw, exactly
  });

  it('lets the delay ceiling double with each attempt', () => {
    const retry = policy({ maxAttempts: 10 });
    const ceilings = [1, 2, 3, 4, 5].map((attempt) =>
      Math.max(...Array.from({ length: 300 }, () => {
        const d = retry.decide(question({ attempt }));
        return d.retry ? d.delayMs : Number.NaN;
      })),
    );
    expect(ceilings.map((max, i) => max < [100, 200, 400, 800, 1_000][i]! && max > [90, 180, 360, 720, 900][i]!)).toEqual([true, true, true, true, true]);
  });

  it.each<[string, Partial<RetryQuestion>, RetryOptions, false | 'retry']>([
    ['a refused connection under POST (the request never left)', { method: 'POST', failure: 'connect' }, {}, 'retry'],
    ['a message pattern whose connection was refused', { method: undefined, failure: 'connect' }, {}, 'retry'],
    ['a broken connection under PUT', { method: 'PUT', failure: 'reset' }, {}, 'retry'],
    ['a timeout under DELETE', { method: 'DELETE', failure: 'timeout' }, {}, 'retry'],
    ['a 502 under HEAD', { method: 'HEAD', status: 502 }, {}, 'retry'],
    ['a 504 under OPTIONS', { method: 'OPTIONS', status: 504 }, {}, 'retry'],
    ['a 503 under POST on a route marked retryable', { method: 'POST' }, { retryable: true }, 'retry'],
    ['a 503 under POST when idempotentOnly is off', { method: 'POST' }, { idempotentOnly: false }, 'retry'],
    ['a 503 under POST the request itself marks retryable (an idempotency key)', { method: 'POST', retryable: true }, {}, 'retry'],
    ['a 429 when retryOn adds it', { status: 429 }, { retryOn: [429] }, 'retry'],
    ['a 503 when retryOn adds 429 (the defaults stay)', { status: 503 }, { retryOn: [429] }, 'retry'],
    ['a broken connection under POST', { method: 'POST', failure: 'reset' }, {}, false],
    ['a timeout under PATCH', { method: 'PATCH', failure: 'timeout' }, {}, false],
    ['a message pattern that timed out', { method: undefined, failure: 'timeout' }, {}, false],
    ['a 500 (not in retryOn)', { status: 500 }, {}, false],
    ['a 429 by default', { status: 429 }, {}, false],
    ['a status failure without a status', { status: undefined }, {}, false],
    ['a timeout when retryOnFailures leaves timeouts out', { failure: 'timeout' }, { retryOnFailures: ['connect', 'reset', 'status'] }, false],
    ['a 503 when retryOnFailures leaves statuses out', {}, { retryOnFailures: ['connect'] }, false],
    ['a refused connection when retryOnFailures leaves connect out', { failure: 'connect' }, { retryOnFailures: ['status'] }, false],
    ['the last of maxAttempts', { attempt: 3 }, {}, false],
    ['any attempt when maxAttempts is 1', {}, { maxAttempts: 1 }, false],
    ['a response that already started streaming', { responseStarted: true }, {}, false],
    ['a refused connection after the response started', { failure: 'connect', responseStarted: true }, {}, false],
    ['a body that streamed out and cannot be sent again', { replayable: false }, {}, false],
    ['a spent deadline', { remainingMs: 0 }, {}, false],
  ])('on %s: %s', (_what, q, options, expected) => {
    const decision = policy(options).decide(question(q));
    expect(decision.retry ? 'retry' : false).toBe(expected);
  });

  it('says why not, in stable words fit for a metric label', () => {
    const retry = policy();
    expect(retry.decide(question({ responseStarted: true }))).toEqual({ retry: false, reason: 'response-started' });
    expect(retry.decide(question({ replayable: false }))).toEqual({ retry: false, reason: 'not-replayable' });
    expect(retry.decide(question({ attempt: 3 }))).toEqual({ retry: false, reason: 'attempts-exhausted' });
    expect(retry.decide(question({ status: 500 }))).toEqual({ retry: false, reason: 'status-not-retried' });
    expect(policy({ retryOnFailures: ['connect'] }).decide(question())).toEqual({ retry: false, reason: 'failure-not-retried' });
    expect(retry.decide(question({ method: 'POST', failure: 'reset' }))).toEqual({ retry: false, reason: 'not-idempotent' });
    expect(retry.decide(question({ remainingMs: 0 }))).toEqual({ retry: false, reason: 'no-time-left' });
    expect(retry.decide(question({ retryAfterMs: 6_000 }))).toEqual({ retry: false, reason: 'retry-after-beyond-deadline' });
  });

  it('refuses with shared frozen objects: saying no allocates nothing', () => {
    const retry = policy();
    const a = retry.decide(question({ attempt: 3 }));
    const b = retry.decide(question({ attempt: 5 }));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('never schedules an attempt whose delay would not fit in the remaining deadline', () => {
    const retry = policy({ maxAttempts: 10, backoff: { baseMs: 1_000, maxMs: 1_000 } });
    const decisions = Array.from({ length: 500 }, () => retry.decide(question({ remainingMs: 300 })));
    for (const d of decisions) if (d.retry) expect(d.delayMs).toBeLessThan(300);
    expect(decisions.some((d) => d.retry)).toBe(true);
    expect(decisions.some((d) => !d.retry && d.reason === 'no-time-left')).toBe(true);
  });

  it('waits at least as long as the upstream asked with Retry-After, when the deadline allows', () => {
    expect(policy().decide(question({ retryAfterMs: 2_000 }))).toEqual({ retry: true, delayMs: 2_000 });
    expect(policy().decide(question({ retryAfterMs: 0 })).retry).toBe(true);
    expect(policy().decide(question({ retryAfterMs: 5_000 }))).toEqual({ retry: false, reason: 'retry-after-beyond-deadline' });
  });

  it('takes an infinite remainingMs as no deadline', () => {
    expect(policy().decide(question({ remainingMs: Number.POSITIVE_INFINITY, retryAfterMs: 60_000 }))).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('draws no randomness when it says no (seeded sequences stay aligned with the retries made)', () => {
    const a = policy({}, 3);
    const b = policy({}, 3);
    a.decide(question({ status: 500 }));
    a.decide(question({ remainingMs: 0 }));
    expect(a.decide(question())).toEqual(b.decide(question()));
  });

  it('tells a forwarder which statuses it would ever retry', () => {
    expect(policy().retriesStatus(503)).toBe(true);
    expect(policy().retriesStatus(500)).toBe(false);
    expect(policy({ maxAttempts: 1 }).retriesStatus(503)).toBe(false);
    expect(policy({ retryOnFailures: ['connect'] }).retriesStatus(503)).toBe(false);
  });
});

describe('resolveRetryOptions', () => {
  it('fills the defaults: 3 attempts, 502/503/504, every failure kind, idempotent methods only, 25 ms → 1 s backoff', () => {
    expect(resolveRetryOptions()).toEqual({
      maxAttempts: 3,
      retryOn: [502, 503, 504],
      retryOnFailures: ['connect', 'reset', 'timeout', 'status'],
      idempotentOnly: true,
      retryable: false,
      backoff: { baseMs: 25, maxMs: 1_000 },
      perTryTimeoutMs: undefined,
    });
  });

  it('adds configured statuses to the defaults, once each, in order', () => {
    expect(resolveRetryOptions({ retryOn: [503, 429, 500] }).retryOn).toEqual([429, 500, 502, 503, 504]);
  });

  it.each([
    [{ maxAttempts: 0 }, 'retries.maxAttempts: got 0; allowed: an integer from 1 to 10'],
    [{ maxAttempts: 11 }, 'retries.maxAttempts: got 11'],
    [{ maxAttempts: '3' }, 'retries.maxAttempts: got "3"'],
    [{ retryOn: 503 }, 'retries.retryOn: got 503; allowed: an array of statuses from 400 to 599'],
    [{ retryOn: [503, 200] }, 'retries.retryOn[1]: got 200; allowed: an integer from 400 to 599'],
    [{ retryOnFailures: ['connect', 'refused'] }, 'retries.retryOnFailures[1]: got "refused"; allowed: "connect" | "reset" | "timeout" | "status"'],
    [{ idempotentOnly: 'yes' }, 'retries.idempotentOnly: got "yes"; allowed: true or false'],
    [{ retryable: 1 }, 'retries.retryable: got 1; allowed: true or false'],
    [{ backoff: { maxMs: -1 } }, 'retries.backoff.maxMs: got -1'],
    [{ perTryTimeoutMs: 0 }, 'retries.perTryTimeoutMs: got 0'],
    [{ attempts: 3 }, 'retries.attempts: got 3; allowed: no such option; known: maxAttempts, retryOn'],
  ])('refuses %j with MESHWAY_RESILIENCE_INVALID_OPTIONS naming it', (options, message) => {
    expect(() => resolveRetryOptions(options as never)).toThrow(
      expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(`Invalid resilience option ${message}`) }) as Error,
    );
  });
});
