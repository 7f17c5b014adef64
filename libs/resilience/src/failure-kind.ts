/**
 * How an attempt failed, as far as resilience cares. Transports classify their own errors into these (undici and NATS
 * errors in `@meshway/transport`); the policies here only ever see the kind.
 * - `connect`: the request never reached the instance (refused, unreachable, DNS, connect timeout, TLS handshake) —
 *   safe to send again whatever the method.
 * - `reset`: the connection broke mid-exchange (the instance may have acted on the request).
 * - `timeout`: no answer in time.
 * - `status`: the instance answered with a status the caller counts as a failure (a 5xx, or a configured one like 429).
 */
export type FailureKind = 'connect' | 'reset' | 'timeout' | 'status';

export const FAILURE_KINDS: readonly FailureKind[] = Object.freeze(['connect', 'reset', 'timeout', 'status']);

/** One attempt's outcome as breakers and outlier detection take it: a plain string, so reporting allocates nothing. */
export type AttemptOutcome = 'success' | FailureKind;

/** Methods a retry may repeat without a `retryable` mark (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
