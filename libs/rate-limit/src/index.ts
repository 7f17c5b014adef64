export { type RateLimitRule, type RateLimitBy, type WindowLimit, RATE_LIMIT_BY, MAX_POINTS, MAX_DURATION_SEC, rateLimitSchema, parseRateLimitRule } from './rate-limit.rule.js';
export { type RateLimitDecision, refusalCode, refusalError } from './rate-limit.decision.js';
export { rateLimitHeaders, RATE_LIMIT_HEADER } from './rate-limit.headers.js';
export {
  type RateLimitStore,
  type RateLimitStoreName,
  type RateLimitStats,
  type RateLimitLogger,
  type StoreStateEvent,
  type DecisionOrPromise,
  RATE_LIMIT_STORE_NAMES,
} from './rate-limit.store.js';
export { MemoryRateLimitStore } from './memory.store.js';
export { RedisRateLimitStore } from './redis.store.js';
export { createRateLimitStore, isRateLimitStoreName } from './store.factory.js';
export { type MemoryStoreOptions, type RedisStoreOptions, type FailMode, FAIL_MODES, RATE_LIMIT_DEFAULTS } from './store.options.js';
export { RouteRateLimiter, type RateLimitSubject } from './route.limiter.js';
export { rateLimitKey, KEY_PREFIX } from './rate-limit.key.js';
export { clientIp, MAX_FORWARDED_HOPS } from './client-ip.js';
export { trustProxies, TrustedProxies, NAMED_RANGES } from './trusted-proxies.js';
export { RateLimitError, RateLimitErrorCode, RATE_LIMIT_HTTP_STATUS, type RefusalCode } from './rate-limit.errors.js';
