import { RateLimitError, RateLimitErrorCode, type RefusalCode } from './rate-limit.errors.js';
import type { WindowLimit } from './rate-limit.rule.js';

/** The answer to one request: whether it may pass, and what to tell the client about its budget. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The window's budget (`points`). */
  readonly limit: number;
  /** Requests left in the current window (0 once spent). */
  readonly remaining: number;
  /** Milliseconds until the current window ends and the budget is whole again. */
  readonly resetMs: number;
  /** Seconds a denied client should wait (`Retry-After`); 0 when allowed. */
  readonly retryAfterSec: number;
  /**
   * True when the store could not be asked (Redis unreachable or too slow): the decision comes from `failMode`
   * (`open`: allowed; `closed`: denied with MESHWAY_RATE_LIMIT_UNAVAILABLE) and says nothing about the budget.
   */
  readonly degraded: boolean;
}

/** The decision for a request that made the window's count `consumed` (fixed window: allowed up to `points`). */
export function counted(limit: WindowLimit, consumed: number, resetMs: number): RateLimitDecision {
  const allowed = consumed <= limit.points;
  return {
    allowed,
    limit: limit.points,
    remaining: allowed ? limit.points - consumed : 0,
    resetMs,
    retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil(resetMs / 1000)),
    degraded: false,
  };
}

/** How long a client refused because the store is down should wait before trying again. */
const UNAVAILABLE_RETRY_AFTER_SEC = 1;

/** The decision made without the store: `open` lets the request pass, `closed` refuses it. */
export function degraded(limit: WindowLimit, failMode: 'open' | 'closed'): RateLimitDecision {
  const allowed = failMode === 'open';
  return { allowed, limit: limit.points, remaining: allowed ? limit.points : 0, resetMs: 0, retryAfterSec: allowed ? 0 : UNAVAILABLE_RETRY_AFTER_SEC, degraded: true };
}

/** Why a decision refused: MESHWAY_RATE_LIMITED (429) or MESHWAY_RATE_LIMIT_UNAVAILABLE (503); undefined when allowed. */
export function refusalCode(decision: RateLimitDecision): RefusalCode | undefined {
  if (decision.allowed) return undefined;
  return decision.degraded ? RateLimitErrorCode.Unavailable : RateLimitErrorCode.RateLimited;
}

/** The error for a refused decision, for callers that answer by throwing (map `code` to a status with RATE_LIMIT_HTTP_STATUS). */
export function refusalError(decision: RateLimitDecision): RateLimitError & { readonly code: RefusalCode } {
  if (decision.allowed) throw new TypeError('refusalError() needs a decision that refused the request');
  const error = decision.degraded
    ? new RateLimitError(RateLimitErrorCode.Unavailable, 'Rate limiting is unavailable; try again shortly.')
    : new RateLimitError(RateLimitErrorCode.RateLimited, `Rate limit of ${decision.limit} requests exceeded; retry in ${decision.retryAfterSec} s.`);
  return error as RateLimitError & { readonly code: RefusalCode };
}
