import { MeshwayError, invalidOptionMessage } from '@meshway/errors';

/** Stable error codes of `@meshway/rate-limit`. Callers switch on `code`, never on the message. */
export const RateLimitErrorCode = {
  /** The caller spent its budget for the current window (HTTP 429, with `Retry-After`). */
  RateLimited: 'MESHWAY_RATE_LIMITED',
  /** The shared store (Redis) could not be asked in time and `failMode` is `closed` (HTTP 503). */
  Unavailable: 'MESHWAY_RATE_LIMIT_UNAVAILABLE',
  /** A limit `{ points, durationSec, by }` is invalid; the message names the field, the value and what is allowed. */
  InvalidLimit: 'MESHWAY_RATE_LIMIT_INVALID_LIMIT',
  /** A store or trusted-proxy option is invalid; the message names the option, the value and what is allowed. */
  InvalidOptions: 'MESHWAY_RATE_LIMIT_INVALID_OPTIONS',
} as const;

export type RateLimitErrorCode = (typeof RateLimitErrorCode)[keyof typeof RateLimitErrorCode];

/** The HTTP status each refusal answers with (the gateway's error filter and the Nest guard use this one table). */
export const RATE_LIMIT_HTTP_STATUS = {
  [RateLimitErrorCode.RateLimited]: 429,
  [RateLimitErrorCode.Unavailable]: 503,
} as const;

/** The codes a refused request answers with. */
export type RefusalCode = keyof typeof RATE_LIMIT_HTTP_STATUS;

export class RateLimitError extends MeshwayError<RateLimitErrorCode> {
  override readonly name = 'RateLimitError';
}

/** MESHWAY_RATE_LIMIT_INVALID_OPTIONS for `option` (a dotted path such as `redis.timeoutMs`). */
export function invalidOption(option: string, given: unknown, allowed: string): RateLimitError {
  return new RateLimitError(RateLimitErrorCode.InvalidOptions, invalidOptionMessage('rate-limit option', option, given, allowed));
}
