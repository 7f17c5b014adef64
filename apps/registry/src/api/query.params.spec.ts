import { seededRandom } from '@meshway/clock';
import { describe, expect, it } from 'vitest';
import { blockingParams, boolParam, DEFAULT_WAIT_MS, MAX_WAIT_MS } from './query.params.js';

describe('query parameters', () => {
  it('reads a flag without a value as true, and Go booleans otherwise', () => {
    expect(boolParam({ passing: '' }, 'passing')).toBe(true);
    expect(boolParam({ passing: 'false' }, 'passing')).toBe(false);
    expect(boolParam({}, 'passing')).toBe(false);
    expect(() => boolParam({ passing: 'yes' }, 'passing')).toThrow('Invalid value for ?passing');
  });

  it('defaults ?wait to 5 minutes and caps it at 10, plus up to wait/16 of jitter', () => {
    const zero = () => 0;
    const almostOne = () => 0.999_999;
    expect(blockingParams({ index: '3' }, zero)).toEqual({ minIndex: 3n, waitMs: DEFAULT_WAIT_MS });
    expect(blockingParams({ index: '3', wait: '1h' }, zero).waitMs).toBe(MAX_WAIT_MS);
    expect(blockingParams({ index: '3', wait: '16s' }, almostOne).waitMs).toBeCloseTo(17_000, 0);
  });

  it('takes any uint64 ?index (event indexes use all 64 bits), and nothing past it', () => {
    const zero = () => 0;
    expect(blockingParams({ index: '18446744073709551615' }, zero).minIndex).toBe(2n ** 64n - 1n);
    expect(blockingParams({ index: '' }, zero).minIndex).toBe(0n);
    expect(() => blockingParams({ index: '18446744073709551616' }, zero)).toThrow('Invalid index: "18446744073709551616"');
    expect(() => blockingParams({ index: '1e3' }, zero)).toThrow('Invalid index');
  });

  it('spreads watchers over the jitter window', () => {
    const random = seededRandom(1);
    const waits = Array.from({ length: 100 }, () => blockingParams({ wait: '16s' }, random).waitMs);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(16_000);
    expect(Math.max(...waits)).toBeLessThan(17_000);
    expect(new Set(waits).size).toBeGreaterThan(90);
  });
});
