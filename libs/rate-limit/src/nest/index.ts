export { RateLimitModule } from './rate-limit.module.js';
export { type RateLimitModuleOptions, resolveRateLimitModuleOptions, userConsumer } from './rate-limit-module.options.js';
export { RateLimit } from './rate-limit.decorator.js';
export { RateLimitGuard } from './rate-limit.guard.js';
export { RateLimitedException } from './rate-limited.exception.js';
export { nestRateLimitLogger } from './rate-limit.logger.adapter.js';
export { RATE_LIMIT_MODULE_OPTIONS, RATE_LIMIT_STORE, RATE_LIMIT_RULE, RESOLVED_RATE_LIMIT_OPTIONS } from './rate-limit.tokens.js';
