import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory.store.js';
import { rateLimitHeaders } from './rate-limit.headers.js';

const limit = { points: 3, durationSec: 1 };

function setup(maxKeys?: number): { clock: FakeClock; store: MemoryRateLimitStore } {
  const clock = new FakeClock();
  return { clock, store: new MemoryRateLimitStore({ clock, ...(maxKeys === undefined ? {} : { maxKeys }) }) };
}

describe('MemoryRateLimitStore', () => {
  it('allows `points` requests per window and refuses the next one', () => {
    const { store } = setup();
    expect([1, 2, 3].map(() => store.consume('k', limit).remaining)).toEqual([2, 1, 0]);
    const refused = store.consume('k', limit);
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 1_000, retryAfterSec: 1, degraded: false });
    expect(rateLimitHeaders(refused)).toEqual(['RateLimit-Limit', '3', 'RateLimit-Remaining', '0', 'RateLimit-Reset', '1', 'Retry-After', '1']);
  });

  it('answers synchronously (no promise on the hot path)', () => {
    const { store } = setup();
    const decision = store.consume('k', limit);
    expect(decision).not.toBeInstanceOf(Promise);
    expect(decision.allowed).toBe(true);
  });

  it('rolls the window over exactly `durationSec` after its first request', async () => {
    const { clock, store } = setup();
    for (let i = 0; i < 4; i++) store.consume('k', limit);
    await clock.advance(999);
    expect(store.consume('k', limit)).toMatchObject({ allowed: false, resetMs: 1, retryAfterSec: 1 });
    await clock.advance(1);
    expect(store.consume('k', limit)).toMatchObject({ allowed: true, remaining: 2, resetMs: 1_000 });
  });

  it('starts a key\'s window at its first request, not on a shared clock tick', async () => {
    const { clock, store } = setup();
    store.consume('a', limit);
    await clock.advance(600);
    expect(store.consume('b', limit).resetMs).toBe(1_000);
    expect(store.consume('a', limit).resetMs).toBe(400);
  });

  it('counts refused requests too, as rate-limiter-flexible does (remaining stays 0 until the reset)', async () => {
    const { clock, store } = setup();
    for (let i = 0; i < 10; i++) store.consume('k', limit);
    expect(store.stats()).toMatchObject({ allowed: 3, denied: 7, degraded: 0, down: false });
    await clock.advance(1_000);
    expect(store.consume('k', limit).remaining).toBe(2);
  });

  it('keeps keys apart, and limits of different sizes on different keys', () => {
    const { store } = setup();
    for (let i = 0; i < 3; i++) store.consume('a', limit);
    expect(store.consume('a', limit).allowed).toBe(false);
    expect(store.consume('b', { points: 1, durationSec: 60 })).toMatchObject({ allowed: true, remaining: 0, resetMs: 60_000 });
  });

  it('over maxKeys drops expired windows first, then the oldest', async () => {
    const { clock, store } = setup(10);
    for (let i = 0; i < 5; i++) store.consume(`old-${i}`, limit);
    await clock.advance(1_000);
    for (let i = 0; i < 5; i++) store.consume(`new-${i}`, limit);
    expect(store.size).toBe(10);
    store.consume('one-more', limit); // the 5 expired go; nothing live is lost
    expect(store.size).toBe(6);
    for (let i = 0; i < 3; i++) store.consume('new-0', limit);
    expect(store.consume('new-0', limit).allowed).toBe(false);
    for (let i = 0; i < 4; i++) store.consume(`more-${i}`, limit);
    expect(store.size).toBe(10);
    store.consume('more-4', limit); // full of live windows: the oldest goes (down to 9), then the new one comes in
    expect(store.size).toBe(10);
    expect(store.consume('new-0', limit).allowed).toBe(true); // new-0 was the oldest: it starts afresh
  });

  it('forgets everything on close', async () => {
    const { store } = setup();
    store.consume('k', limit);
    await store.close();
    expect(store.size).toBe(0);
  });
});
