import { MemoryRateLimitStore } from './memory.store.js';
import { invalidOption } from './rate-limit.errors.js';
import { RATE_LIMIT_STORE_NAMES, type RateLimitStore, type RateLimitStoreName } from './rate-limit.store.js';
import { RedisRateLimitStore } from './redis.store.js';
import type { MemoryStoreOptions, RedisStoreOptions } from './store.options.js';

/** True when `name` is one of {@link RATE_LIMIT_STORE_NAMES}. */
export function isRateLimitStoreName(name: unknown): name is RateLimitStoreName {
  return typeof name === 'string' && (RATE_LIMIT_STORE_NAMES as readonly string[]).includes(name);
}

/**
 * Makes a store: `memory` for one process, `redis` when several gateway replicas must share their counts. Accepts any
 * string (names come from config) and checks it: an unknown one throws MESHWAY_RATE_LIMIT_INVALID_OPTIONS.
 */
export function createRateLimitStore(name: 'memory', options?: MemoryStoreOptions): MemoryRateLimitStore;
export function createRateLimitStore(name: 'redis', options?: RedisStoreOptions): RedisRateLimitStore;
export function createRateLimitStore(name: string, options?: MemoryStoreOptions | RedisStoreOptions): RateLimitStore;
export function createRateLimitStore(name: string, options?: MemoryStoreOptions | RedisStoreOptions): RateLimitStore {
  if (!isRateLimitStoreName(name)) throw invalidOption('store', name, RATE_LIMIT_STORE_NAMES.map((n) => `"${n}"`).join(' | '));
  return name === 'memory' ? new MemoryRateLimitStore(options) : new RedisRateLimitStore(options);
}
