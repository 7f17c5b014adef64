import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/resilience`. Callers switch on `code`, never on the message. */
export const ResilienceErrorCode = {
  /** The call's deadline had passed before it could be made; nothing was sent. */
  DeadlineExceeded: 'MESHWAY_DEADLINE_EXCEEDED',
  /** An `x-request-timeout` value that is not a positive whole number of milliseconds. */
  InvalidDeadline: 'MESHWAY_INVALID_DEADLINE',
  /** The upstream's bulkhead is full (every slot busy and the queue full, or the wait outlived the deadline). */
  BulkheadFull: 'MESHWAY_BULKHEAD_FULL',
  /** Every instance's circuit breaker is open: nothing may be tried now. */
  CircuitOpen: 'MESHWAY_CIRCUIT_OPEN',
  /** An option is invalid (names the option, the value and what is allowed). */
  InvalidOptions: 'MESHWAY_RESILIENCE_INVALID_OPTIONS',
} as const;

export type ResilienceErrorCode = (typeof ResilienceErrorCode)[keyof typeof ResilienceErrorCode];

export class ResilienceError extends MeshwayError<ResilienceErrorCode> {
  override readonly name = 'ResilienceError';
}
