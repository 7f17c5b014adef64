import { seededRandom } from '@meshway/clock';
import { describe, expect, it } from 'vitest';
import { ExponentialBackoff, resolveBackoff } from './exponential.backoff.js';

describe('ExponentialBackoff', () => {
  it('doubles the ceiling on each failure and never exceeds maxMs', () => {
    const always = (x: number) => () => x;
    const top = new ExponentialBackoff({ initialMs: 100, maxMs: 1_000 }, always(0.999_999));
    expect(Array.from({ length: 6 }, () => top.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    const bottom = new ExponentialBackoff({ initialMs: 100, maxMs: 1_000 }, always(0));
    expect(Array.from({ length: 6 }, () => bottom.next())).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('spreads delays between half and all of the ceiling (equal jitter)', () => {
    const backoff = new ExponentialBackoff({ initialMs: 1_000, maxMs: 1_000 }, seededRandom(3));
    const delays = Array.from({ length: 1_000 }, () => backoff.next());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000);
    expect(new Set(delays).size).toBeGreaterThan(300);
  });

  it('starts again from the first delay after reset()', () => {
    const backoff = new ExponentialBackoff({ initialMs: 100, maxMs: 10_000 }, () => 0.999_999);
    backoff.next();
    backoff.next();
    expect(backoff.failures).toBe(2);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(100);
  });

  it('keeps returning maxMs after very many failures', () => {
    const backoff = new ExponentialBackoff({ initialMs: 1, maxMs: 5_000 }, () => 0.999_999);
    for (let i = 0; i < 10_000; i++) backoff.next();
    expect(backoff.next()).toBe(5_000);
  });
});

describe('resolveBackoff', () => {
  it('fills defaults', () => {
    expect(resolveBackoff(undefined)).toEqual({ initialMs: 250, maxMs: 10_000 });
  });

  it('rejects a ceiling below the first delay, naming the option', () => {
    expect(() => resolveBackoff({ initialMs: 500, maxMs: 100 })).toThrow(/"backoff.maxMs": got 100; allowed: an integer ≥ backoff.initialMs \(500\)/);
  });

  it('rejects a non-integer delay', () => {
    expect(() => resolveBackoff({ initialMs: 0.5 })).toThrow(expect.objectContaining({ code: 'MESHWAY_DISCOVERY_INVALID_OPTIONS' }));
  });
});
