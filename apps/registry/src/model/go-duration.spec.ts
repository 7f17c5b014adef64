import { describe, expect, it } from 'vitest';
import { durationFromJson, formatGoDuration, parseGoDuration } from './go-duration.js';

describe('Go durations', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['100us', 0.1],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', 's', '10x', '1m 30s', 'ten seconds', '-'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  it('reads a JSON number as nanoseconds, as Consul does', () => {
    expect(durationFromJson(10_000_000_000)).toBe(10_000);
    expect(durationFromJson('10s')).toBe(10_000);
    expect(durationFromJson(true)).toBeUndefined();
  });

  it.each([
    [0, '0s'],
    [250, '250ms'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [1_500, '1.5s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
