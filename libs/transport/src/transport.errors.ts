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
