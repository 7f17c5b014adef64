import type { RateLimitDecision } from './rate-limit.decision.js';

/** Header names of the IETF draft (draft-ietf-httpapi-ratelimit-headers up to -06, as express-rate-limit's `draft-6`) and `Retry-After`. */
export const RATE_LIMIT_HEADER = {
  limit: 'RateLimit-Limit',
  remaining: 'RateLimit-Remaining',
  reset: 'RateLimit-Reset',
  retryAfter: 'Retry-After',
} as const;

/**
 * The response headers for a decision, flat as `[name, value, name, value, …]` (what the gateway's exchange and
 * `res.setHeaders`-style loops take): `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (whole seconds until
 * the window ends) and, when refused, `Retry-After` (seconds). A degraded decision knows nothing of the budget, so it
 * carries no `RateLimit-*` fields: none when let through, only `Retry-After` when refused.
 */
export function rateLimitHeaders(decision: RateLimitDecision): string[] {
  const retryAfter = String(decision.retryAfterSec);
  if (decision.degraded) return decision.allowed ? [] : [RATE_LIMIT_HEADER.retryAfter, retryAfter];
  const headers = [
    RATE_LIMIT_HEADER.limit,
    String(decision.limit),
    RATE_LIMIT_HEADER.remaining,
    String(decision.remaining),
    RATE_LIMIT_HEADER.reset,
    String(Math.ceil(decision.resetMs / 1000)),
  ];
  if (!decision.allowed) headers.push(RATE_LIMIT_HEADER.retryAfter, retryAfter);
  return headers;
}
