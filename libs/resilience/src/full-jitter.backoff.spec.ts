import { seededRandom } from '@meshway/clock';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { FullJitterBackoff, resolveBackoffOptions, retryAfterMs } from './full-jitter.backoff.js';

describe('full-jitter backoff', () => {
  it('doubles its ceiling with each failed attempt, up to maxMs', () => {
    const backoff = new FullJitterBackoff({ baseMs: 100, maxMs: 1_000 }, seededRandom(1));
    expect([1, 2, 3, 4, 5, 6, 60].map((attempt) => backoff.ceiling(attempt))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('draws a whole number of ms uniformly in [0, ceiling)', () => {
    const backoff = new FullJitterBackoff({ baseMs: 100, maxMs: 1_000 }, seededRandom(42));
    const delays = Array.from({ length: 2_000 }, () => backoff.delay(3));
    expect(delays.every((d) => Number.isInteger(d) && d >= 0 && d < 400)).toBe(true);
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(mean).toBeGreaterThan(180);
    expect(mean).toBeLessThan(220);
    expect(Math.min(...delays)).toBeLessThan(20);
    expect(Math.max(...delays)).toBeGreaterThan(380);
  });

  it('repeats its delays for the same seed (randomness is injected)', () => {
    const a = new FullJitterBackoff({}, seededRandom(7));
    const b = new FullJitterBackoff({}, seededRandom(7));
    expect([1, 2, 3].map((n) => a.delay(n))).toEqual([1, 2, 3].map((n) => b.delay(n)));
  });

  it('defaults to 25 ms doubling up to 1 s', () => {
    expect(resolveBackoffOptions()).toEqual({ baseMs: 25, maxMs: 1_000 });
    expect(resolveBackoffOptions({ baseMs: 2_000 })).toEqual({ baseMs: 2_000, maxMs: 2_000 });
  });

  it.each([
    [{ baseMs: 0 }, 'retries.backoff.baseMs: got 0'],
    [{ baseMs: 1.5 }, 'retries.backoff.baseMs: got 1.5'],
    [{ baseMs: 100, maxMs: 50 }, 'retries.backoff.maxMs: got 50; allowed: at least baseMs (100)'],
    [{ base: 100 }, 'retries.backoff.base: got 100; allowed: no such option'],
  ])('refuses %j naming the option', (options, message) => {
    expect(() => resolveBackoffOptions(options as never)).toThrow(expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(message) }) as Error);
  });
});

describe('Retry-After', () => {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));

  it.each([
    ['delay-seconds', '3', 3_000],
    ['zero seconds', '0', 0],
    ['seconds with spaces around', ' 2 ', 2_000],
    ['an IMF-fixdate 90 s ahead', 'Thu, 01 Jan 2026 00:01:30 GMT', 90_000],
    ['an RFC 850 date', 'Thursday, 01-Jan-26 00:00:10 GMT', 10_000],
    ['an asctime date (GMT, whatever the local zone)', 'Thu Jan  1 00:00:05 2026', 5_000],
    ['a date in the past', 'Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['the first of repeated values', ['4', '9'], 4_000],
  ])('reads %s', (_what, value, ms) => {
    expect(retryAfterMs(value, clock)).toBe(ms);
  });

  it.each([
    ['absent', undefined],
    ['words', 'soon'],
    ['a negative number', '-1'],
    ['a fraction', '1.5'],
    ['a date-like string Date.parse would guess at', 'soon 12'],
    ['an ISO date (not an HTTP-date)', '2026-01-01T00:01:00Z'],
    ['an empty list', []],
  ])('ignores %s', (_what, value) => {
    expect(retryAfterMs(value, clock)).toBeUndefined();
  });
});
