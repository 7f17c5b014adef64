import { MeshwayError } from '@meshway/errors';
import type { FailureKind } from '@meshway/resilience';

/** Stable error codes of `@meshway/transport`. The gateway maps them to HTTP statuses in one place. */
export const TransportErrorCode = {
  /** Discovery knows no healthy instance of the service (→ 503). */
  NoInstance: 'MESHWAY_NO_INSTANCE',
  /** The upstream did not answer within the deadline (→ 504). */
  UpstreamTimeout: 'MESHWAY_UPSTREAM_TIMEOUT',
  /** Connection refused/reset, no NATS responder, or the upstream broke the exchange (→ 502). */
  UpstreamUnavailable: 'MESHWAY_UPSTREAM_UNAVAILABLE',
  /** The upstream answered with an error (5xx over HTTP, an `err` over NATS) (→ 502 unless it carried a status). */
  UpstreamError: 'MESHWAY_UPSTREAM_ERROR',
  /** The caller's deadline had already passed before the call was made (→ 504). */
  DeadlineExceeded: 'MESHWAY_DEADLINE_EXCEEDED',
  /** The NATS connection is not available (→ 503). */
  NatsUnavailable: 'MESHWAY_NATS_UNAVAILABLE',
  /** A reply could not be decoded (→ 502). */
  BadReply: 'MESHWAY_BAD_REPLY',
  /** An option given to MeshClient (or detectTransport) is invalid. */
  InvalidOptions: 'MESHWAY_TRANSPORT_INVALID_OPTIONS',
  /** A call's arguments are invalid: bad target, a target for the other transport, a bad timeout (→ 500: a bug in the caller). */
  InvalidCall: 'MESHWAY_INVALID_CALL',
  /** The caller's AbortSignal fired before the answer came (→ 499 when a client went away). */
  Aborted: 'MESHWAY_CALL_ABORTED',
  /** The target service's bulkhead is full: its requests in flight and waiting are at their limits (→ 503). */
  BulkheadFull: 'MESHWAY_BULKHEAD_FULL',
  /** Every instance of the target service has its circuit breaker open after repeated failures (→ 503). */
  CircuitOpen: 'MESHWAY_CIRCUIT_OPEN',
} as const;

export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

export class TransportError extends MeshwayError<TransportErrorCode> {
  override readonly name = 'TransportError';
  /** What the upstream sent with its error (a 5xx body, or a Nest `err` value), when it sent something. */
  readonly body: unknown;
  /** How the attempt failed, when the error came from one (refused vs broken connection decide whether a retry is safe). */
  readonly failure: FailureKind | undefined;

  constructor(
    code: TransportErrorCode,
    message: string,
    /** HTTP status the upstream reported, when it reported one. */
    readonly status?: number,
    options?: ErrorOptions & { body?: unknown; failure?: FailureKind },
  ) {
    super(code, message, options);
    this.body = options?.body;
    this.failure = options?.failure;
  }
}

/** Codes that describe a failed upstream call (the rest are caller bugs or options, never an answer to a client). */
export type UpstreamErrorCode = Exclude<TransportErrorCode, 'MESHWAY_TRANSPORT_INVALID_OPTIONS' | 'MESHWAY_INVALID_CALL' | 'MESHWAY_CALL_ABORTED'>;

/**
 * The HTTP status that answers a failed upstream call, for the gateway and for a service whose call to another failed:
 * one table, and the Record makes the compiler insist every upstream code has a status.
 */
export const UPSTREAM_ERROR_STATUS: Readonly<Record<UpstreamErrorCode, number>> = {
  /** Discovery knows no healthy instance of the service. */
  [TransportErrorCode.NoInstance]: 503,
  /** The call needs NATS and there is no NATS connection. */
  [TransportErrorCode.NatsUnavailable]: 503,
  /** Connection refused/reset, no NATS responder, or the upstream broke the exchange. */
  [TransportErrorCode.UpstreamUnavailable]: 502,
  /** The upstream answered with an error (the gateway passes on the upstream's own status when it reported one). */
  [TransportErrorCode.UpstreamError]: 502,
  /** The upstream's reply could not be decoded. */
  [TransportErrorCode.BadReply]: 502,
  /** No answer within the deadline (a timeout, or the caller's `x-request-timeout`). */
  [TransportErrorCode.UpstreamTimeout]: 504,
  /** The deadline had passed before the upstream was called. */
  [TransportErrorCode.DeadlineExceeded]: 504,
  /** The upstream's bulkhead is full (requests in flight and waiting at their limits). */
  [TransportErrorCode.BulkheadFull]: 503,
  /** Every instance of the service has its circuit breaker open (repeated failures): failing fast until a probe is due. */
  [TransportErrorCode.CircuitOpen]: 503,
};

/** Whether `code` describes a failed upstream call (and so has a status in {@link UPSTREAM_ERROR_STATUS}). */
export function isUpstreamErrorCode(code: string): code is UpstreamErrorCode {
  return Object.hasOwn(UPSTREAM_ERROR_STATUS, code);
}
