import { MeshwayError, invalidOptionMessage, showValue } from '@meshway/errors';

/** Stable error codes of `@meshway/resilience`. Callers switch on `code`, never on the message. */
export const ResilienceErrorCode = {
  /** The deadline had passed before the call could be made (nothing was sent), or passed during it (it was aborted). */
  DeadlineExceeded: 'MESHWAY_DEADLINE_EXCEEDED',
  /** An `x-request-timeout` value that is not a positive whole number of milliseconds up to `MAX_DEADLINE_MS`. */
  InvalidDeadline: 'MESHWAY_INVALID_DEADLINE',
  /** One attempt outlived its own limit (`retries.perTryTimeoutMs`) and was aborted; it may be retried. */
  AttemptTimeout: 'MESHWAY_ATTEMPT_TIMEOUT',
  /** Every slot of the bulkhead busy and its queue full, or the caller gave up (deadline, abort) while queued. */
  BulkheadFull: 'MESHWAY_BULKHEAD_FULL',
  /** Every instance's circuit breaker is open: nothing may be tried now. */
  CircuitOpen: 'MESHWAY_CIRCUIT_OPEN',
  /** An option is invalid; the message names the option, the value given and what is allowed. */
  InvalidOptions: 'MESHWAY_RESILIENCE_INVALID_OPTIONS',
} as const;

export type ResilienceErrorCode = (typeof ResilienceErrorCode)[keyof typeof ResilienceErrorCode];

export class ResilienceError extends MeshwayError<ResilienceErrorCode> {
  override readonly name = 'ResilienceError';
  /** For MESHWAY_RESILIENCE_INVALID_OPTIONS: the option's dotted path and what is wrong with it (`got 0; allowed: …`). */
  readonly invalid: { readonly option: string; readonly problem: string } | undefined;

  constructor(code: ResilienceErrorCode, message: string, options?: ErrorOptions & { readonly invalid?: { readonly option: string; readonly problem: string } }) {
    super(code, message, options);
    this.invalid = options?.invalid;
  }
}

/** The MESHWAY_RESILIENCE_INVALID_OPTIONS error for `option` (a dotted path such as `retries.maxAttempts`). */
export function invalidOption(option: string, given: unknown, allowed: string): ResilienceError {
  return new ResilienceError(ResilienceErrorCode.InvalidOptions, invalidOptionMessage('resilience option', option, given, allowed), {
    invalid: { option, problem: `got ${showValue(given)}; allowed: ${allowed}` },
  });
}
