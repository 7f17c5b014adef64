import { SetMetadata } from '@nestjs/common';
import { parseRateLimitRule, type RateLimitRule } from '../rate-limit.rule.js';
import { RATE_LIMIT_RULE } from './rate-limit.tokens.js';

/**
 * Limits a handler (or every handler of a controller, each with its own budget):
 * `@RateLimit({ points: 100, durationSec: 60, by: 'consumer' })`. A handler's own rule wins over its controller's.
 * The rule is checked when the class is defined, so a bad one fails at boot (MESHWAY_RATE_LIMIT_INVALID_LIMIT).
 * Enforced by `RateLimitGuard` (global through `RateLimitModule.forRoot()`).
 */
export const RateLimit = (rule: RateLimitRule): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_RULE, parseRateLimitRule(rule, '@RateLimit'));
