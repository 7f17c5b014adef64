import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { TokenCache } from './token.cache.js';

const token = (n: number, tail = `signature-${String(n).padStart(30, '0')}`): string => `header.payload-${n}.${tail}`;
const value = (n: number) => ({ n });

describe('TokenCache', () => {
  it('serves a token until its exp', async () => {
    const clock = new FakeClock();
    const cache = new TokenCache<{ n: number }>(10, 300_000, clock);
    cache.set(token(1), value(1), clock.now() + 60_000);
    expect(cache.get(token(1))).toEqual(value(1));
    await clock.advance(59_999);
    expect(cache.get(token(1))).toEqual(value(1));
    await clock.advance(1);
    expect(cache.get(token(1))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('serves a token at most maxAge after it was verified, even when its exp is later (or absent)', async () => {
    const clock = new FakeClock();
    const cache = new TokenCache<{ n: number }>(10, 300_000, clock);
    cache.set(token(1), value(1), clock.now() + 3_600_000);
    cache.set(token(2), value(2), undefined);
    await clock.advance(300_000);
    expect(cache.get(token(1))).toBeUndefined();
    expect(cache.get(token(2))).toBeUndefined();
  });

  it('does not keep a token whose exp has passed (a token verified within the clock tolerance)', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<{ n: number }>(10, 300_000, clock);
    cache.set(token(1), value(1), clock.now() - 1);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used token when full', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<{ n: number }>(2, 300_000, clock);
    cache.set(token(1), value(1), undefined);
    cache.set(token(2), value(2), undefined);
    cache.get(token(1));
    cache.set(token(3), value(3), undefined);
    expect(cache.get(token(1))).toEqual(value(1));
    expect(cache.get(token(2))).toBeUndefined();
    expect(cache.get(token(3))).toEqual(value(3));
  });

  it('confirms the whole token: another token ending the same way is a miss', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<{ n: number }>(10, 300_000, clock);
    const tail = 'x'.repeat(40);
    cache.set(token(1, tail), value(1), undefined);
    expect(cache.get(token(2, tail))).toBeUndefined();
    expect(cache.get(token(1, tail))).toEqual(value(1));
  });

  it('keeps nothing with maxAge 0', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<{ n: number }>(10, 0, clock);
    cache.set(token(1), value(1), undefined);
    expect(cache.get(token(1))).toBeUndefined();
  });
});
