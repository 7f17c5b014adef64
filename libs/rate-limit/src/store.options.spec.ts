import { systemClock } from '@meshway/clock';
import { describe, expect, it } from 'vitest';
import { RateLimitErrorCode } from './rate-limit.errors.js';
import { createRateLimitStore, isRateLimitStoreName } from './store.factory.js';
import { MemoryRateLimitStore } from './memory.store.js';
import { RATE_LIMIT_DEFAULTS, redactUrl, resolveMemoryStoreOptions, resolveRedisStoreOptions } from './store.options.js';

const invalid = (message: string): unknown => expect.objectContaining({ code: RateLimitErrorCode.InvalidOptions, message: expect.stringContaining(message) as unknown });

describe('store options', () => {
  it('default to a fail-open Redis at REDIS_URL (else 127.0.0.1:6379) with a 100 ms bound', () => {
    expect(resolveRedisStoreOptions({}, 'redis', {})).toMatchObject({ url: RATE_LIMIT_DEFAULTS.redisUrl, failMode: 'open', timeoutMs: 100, connectTimeoutMs: 1_000, clock: systemClock });
    expect(resolveRedisStoreOptions(undefined, 'redis', { REDIS_URL: 'redis://cache:6380/2' }).url).toBe('redis://cache:6380/2');
    expect(resolveMemoryStoreOptions()).toEqual({ clock: systemClock, maxKeys: 100_000 });
  });

  it.each([
    [{ failMode: 'maybe' }, 'Invalid rate-limit option redis.failMode: got "maybe"; allowed: "open" | "closed"'],
    [{ timeoutMs: 0 }, 'Invalid rate-limit option redis.timeoutMs: got 0; allowed: an integer from 1 to 10000'],
    [{ url: 'http://cache' }, 'Invalid rate-limit option redis.url: got "http://cache"'],
    [{ url: 'redis://user:hunter2@[bad' }, 'got "redis://user:***@[bad"'],
    [{ timeout: 50 }, 'Invalid rate-limit option redis.timeout: got 50; allowed: no such option'],
    [{ logger: console.log }, 'Invalid rate-limit option redis.logger'],
    [{ clock: Date }, 'Invalid rate-limit option redis.clock'],
  ])('reject %j naming the option, the value and what is allowed', (given, message) => {
    expect(() => resolveRedisStoreOptions(given as never, 'redis', {})).toThrow(invalid(message));
  });

  it('redact passwords in URLs', () => {
    expect(redactUrl('redis://:s3cret@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(redactUrl('rediss://user:s3cret@host')).toBe('rediss://user:***@host');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('memory: maxKeys must be a positive integer', () => {
    expect(() => resolveMemoryStoreOptions({ maxKeys: -1 })).toThrow(invalid('Invalid rate-limit option memory.maxKeys: got -1; allowed: an integer from 1 to 100000000'));
  });
});

describe('createRateLimitStore', () => {
  it('makes a store by name, and checks the name', () => {
    expect(createRateLimitStore('memory')).toBeInstanceOf(MemoryRateLimitStore);
    expect(isRateLimitStoreName('redis')).toBe(true);
    expect(() => createRateLimitStore('etcd')).toThrow(invalid('Invalid rate-limit option store: got "etcd"; allowed: "memory" | "redis"'));
  });
});
