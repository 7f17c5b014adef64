import { describe, expect, it } from 'vitest';
import { seededRandom } from '@meshway/clock';
import { RetryPolicy, type RetryQuestion } from './retry.policy.js';

const policy = new RetryPolicy({ attempts: 3, backoff: { baseMs: 100, maxMs: 1_000 } }, seededRandom(7));
const ask = (q: Partial<RetryQuestion>) => policy.decide({ attempts: 1, method: 'GET', kind: 'status', status: 503, remainingMs: 5_000, resendable: true, ...q });

describe('retry policy', () => {
  it('retries a GET on 503 after a full-jitter delay within the first ceiling', () => {
    const decision = ask({});
    expect(decision.retry).toBe(true);
    if (decision.retry) expect(decision.delayMs).toBeGreaterThanOrEqual(0);
    if (decision.retry) expect(decision.delayMs).toBeLessThan(100);
  });

  it('lets the ceiling double with each retry, capped at maxMs', () => {
    const delays = Array.from({ length: 200 }, () => ask({ attempts: 2 })).map((d) => (d.retry ? d.delayMs : -1));
    expect(Math.max(...delays)).toBeLessThan(200);
    expect(Math.max(...delays)).toBeGreaterThan(100);
    const capped = new RetryPolicy({ attempts: 20, backoff: { baseMs: 100, maxMs: 300 } }, seededRandom(1));
    for (let i = 0; i < 50; i++) {
      const d = capped.decide({ attempts: 10, method: 'GET', kind: 'connect', remainingMs: 10_000, resendable: true });
      expect(d.retry && d.delayMs < 300).toBe(true);
    }
  });

  it.each([
    ['a refused connection, for any method', { method: 'POST', kind: 'connect' as const }, true],
    ['a broken connection under POST', { method: 'POST', kind: 'reset' as const }, false],
    ['a broken connection under PUT', { method: 'PUT', kind: 'reset' as const }, true],
    ['a timeout under DELETE', { method: 'DELETE', kind: 'timeout' as const }, true],
    ['a 500 (not in retryOn)', { status: 500 }, false],
    ['the last attempt', { attempts: 3 }, false],
    ['a body that cannot be sent again', { resendable: false }, false],
    ['a deadline too close for any wait', { remainingMs: 0 }, false],
    ['a Retry-After beyond the deadline', { retryAfterMs: 10_000 }, false],
  ])('decides on %s', (_what, question, retry) => {
    expect(ask(question).retry).toBe(retry);
  });

  it('retries a POST when the route is marked retryable', () => {
    const retryable = new RetryPolicy({ retryable: true }, seededRandom(1));
    expect(retryable.decide({ attempts: 1, method: 'POST', kind: 'status', status: 502, remainingMs: 1_000, resendable: true }).retry).toBe(true);
  });

  it('waits at least as long as the upstream asked with Retry-After', () => {
    const decision = ask({ retryAfterMs: 2_000 });
    expect(decision).toEqual({ retry: true, delayMs: 2_000 });
  });
});
