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
  /** An option given to MeshClient is invalid. */
  InvalidOptions: 'MESHWAY_TRANSPORT_INVALID_OPTIONS',
} as const;

export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly code: TransportErrorCode,
    message: string,
    /** HTTP status the upstream reported, when it reported one. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
