import { HttpException } from '@nestjs/common';
import type { RateLimitDecision } from '../rate-limit.decision.js';
import { refusalError } from '../rate-limit.decision.js';
import { RATE_LIMIT_HTTP_STATUS, type RefusalCode } from '../rate-limit.errors.js';

/**
 * A refused request: 429 MESHWAY_RATE_LIMITED, or 503 MESHWAY_RATE_LIMIT_UNAVAILABLE when the store could not be asked
 * (`failMode: 'closed'`), with the repo's error body `{ error: { code, message } }`. The guard has set the headers
 * (`RateLimit-*`, `Retry-After`) on the response before throwing.
 */
export class RateLimitedException extends HttpException {
  readonly code: RefusalCode;

  constructor(readonly decision: RateLimitDecision) {
    const error = refusalError(decision);
    super({ error: { code: error.code, message: error.message } }, RATE_LIMIT_HTTP_STATUS[error.code], { cause: error });
    this.code = error.code;
    this.message = error.message;
  }
}
