import { invalidOption } from '../rate-limit.errors.js';
import type { RateLimitStoreName } from '../rate-limit.store.js';
import { isRateLimitStoreName } from '../store.factory.js';
import { resolveMemoryStoreOptions, resolveRedisStoreOptions, type MemoryStoreOptions, type RedisStoreOptions } from '../store.options.js';
import { trustProxies, type TrustedProxies } from '../trusted-proxies.js';

/** Options of `RateLimitModule.forRoot` / `forRootAsync`. */
export interface RateLimitModuleOptions {
  /** `memory` (default; one process) or `redis` (several instances share their counts). */
  readonly store?: RateLimitStoreName;
  /** Memory store options (`clock`, `maxKeys`). */
  readonly memory?: MemoryStoreOptions;
  /** Redis store options (`url`, `failMode`, `timeoutMs`, …); the logger defaults to Nest's Logger (context `RateLimit`). */
  readonly redis?: RedisStoreOptions;
  /**
   * Proxies whose `X-Forwarded-For` is believed (CIDRs, addresses, `loopback` | `linklocal` | `uniquelocal`); default none:
   * the client IP is the socket's peer. Put the gateway's (or load balancer's) addresses here when the app sits behind one.
   */
  readonly trustedProxies?: readonly string[];
  /**
   * The authenticated consumer of a request, for `by: 'consumer'`; undefined for anonymous requests (counted by IP).
   * Default: `request.user.id`, else `request.user.sub` (what passport-style guards set).
   */
  readonly consumer?: (request: unknown) => string | undefined;
}

export interface ResolvedRateLimitModuleOptions {
  readonly store: RateLimitStoreName;
  readonly memory: MemoryStoreOptions;
  readonly redis: RedisStoreOptions;
  readonly trustedProxies: TrustedProxies;
  readonly consumer: (request: unknown) => string | undefined;
}

const KNOWN = ['store', 'memory', 'redis', 'trustedProxies', 'consumer', 'isGlobal', 'globalGuard'];

/** `request.user.id` (a string or number), else `request.user.sub`; undefined when there is no user. */
export function userConsumer(request: unknown): string | undefined {
  const user = (request as { user?: unknown } | null)?.user;
  if (typeof user !== 'object' || user === null) return undefined;
  const { id, sub } = user as { id?: unknown; sub?: unknown };
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') return String(id);
  return typeof sub === 'string' && sub !== '' ? sub : undefined;
}

/** Validates module options at boot (so a bad CIDR or fail mode fails `NestFactory.create`), naming the option. */
export function resolveRateLimitModuleOptions(given: RateLimitModuleOptions = {}): ResolvedRateLimitModuleOptions {
  if (typeof given !== 'object' || Array.isArray(given)) throw invalidOption('RateLimitModule', given, `an object with ${KNOWN.join(', ')}`);
  for (const key of Object.keys(given)) {
    // `isGlobal` and `globalGuard` are the module's extras: Nest hands them to the options object too.
    if (!KNOWN.includes(key)) throw invalidOption(`RateLimitModule.${key}`, (given as Record<string, unknown>)[key], `no such option; known: ${KNOWN.join(', ')}`);
  }
  const store = given.store ?? 'memory';
  if (!isRateLimitStoreName(store)) throw invalidOption('RateLimitModule.store', store, '"memory" | "redis"');
  resolveMemoryStoreOptions(given.memory, 'RateLimitModule.memory');
  if (store === 'redis') resolveRedisStoreOptions(given.redis, 'RateLimitModule.redis');
  const consumer = given.consumer ?? userConsumer;
  if (typeof consumer !== 'function') throw invalidOption('RateLimitModule.consumer', consumer, 'a function (request) => string | undefined');
  return {
    store,
    memory: given.memory ?? {},
    redis: given.redis ?? {},
    trustedProxies: trustProxies(given.trustedProxies ?? [], 'RateLimitModule.trustedProxies'),
    consumer,
  };
}
