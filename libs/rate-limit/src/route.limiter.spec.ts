import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory.store.js';
import { RateLimitErrorCode } from './rate-limit.errors.js';
import type { RateLimitRule } from './rate-limit.rule.js';
import { RouteRateLimiter } from './route.limiter.js';

const store = (): MemoryRateLimitStore => new MemoryRateLimitStore({ clock: new FakeClock() });
const rule = (by: RateLimitRule['by'], points = 2): RateLimitRule => ({ points, durationSec: 1, by });

describe('RouteRateLimiter', () => {
  it('by consumer: one bucket per consumer; anonymous requests by IP, apart from a consumer named like the IP', () => {
    const limiter = new RouteRateLimiter(store(), 'GET /orders', rule('consumer'));
    expect(limiter.key({ consumer: 'alice', ip: '10.0.0.1' })).toBe('meshway:rl:GET /orders:consumer:alice');
    expect(limiter.key({ ip: '10.0.0.1' })).toBe('meshway:rl:GET /orders:ip:10.0.0.1');
    expect(limiter.key({ consumer: '', ip: '10.0.0.1' })).toBe('meshway:rl:GET /orders:ip:10.0.0.1');
    expect(limiter.key({ consumer: '10.0.0.1' })).toBe('meshway:rl:GET /orders:consumer:10.0.0.1');
  });

  it('by ip: the consumer does not matter; an unknown IP shares one bucket', () => {
    const limiter = new RouteRateLimiter(store(), 'r', rule('ip'));
    expect(limiter.key({ consumer: 'alice', ip: '::1' })).toBe('meshway:rl:r:ip:::1');
    expect(limiter.key({})).toBe('meshway:rl:r:ip:unknown');
  });

  it('by route: one bucket for everyone', () => {
    const limiter = new RouteRateLimiter(store(), 'r', rule('route', 3));
    expect(limiter.key({ consumer: 'a' })).toBe(limiter.key({ ip: '1.2.3.4' }));
    expect([{ consumer: 'a' }, { consumer: 'b' }, { ip: '1.1.1.1' }, { ip: '2.2.2.2' }].map((s) => limiter.consume(s).allowed)).toEqual([true, true, true, false]);
  });

  it('counts the N+1th request of one consumer as refused, and not another consumer\'s', () => {
    const limiter = new RouteRateLimiter(store(), 'r', rule('consumer'));
    expect([1, 2, 3].map(() => limiter.consume({ consumer: 'alice' }).allowed)).toEqual([true, true, false]);
    expect(limiter.consume({ consumer: 'bob' }).allowed).toBe(true);
  });

  it('checks its rule and route when made, not per request', () => {
    expect(() => new RouteRateLimiter(store(), 'r', { points: 0, durationSec: 1, by: 'ip' })).toThrow(expect.objectContaining({ code: RateLimitErrorCode.InvalidLimit }));
    expect(() => new RouteRateLimiter(store(), '', rule('ip'))).toThrow(expect.objectContaining({ code: RateLimitErrorCode.InvalidOptions }));
  });
});
