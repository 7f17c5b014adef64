/**
 * How an attempt failed, as far as resilience cares: `connect` — the request never reached the instance (refused,
 * unreachable, DNS, TLS handshake: safe to send again whatever the method); `reset` — the connection broke mid-exchange;
 * `timeout` — no answer in time; `status` — the instance answered an error status. Transports classify their own errors
 * into these (see `@meshway/transport`).
 */
export type FailureKind = 'connect' | 'reset' | 'timeout' | 'status';

/** One attempt's outcome, reported to breakers and outlier detection. */
export type AttemptOutcome = { readonly ok: true } | { readonly ok: false; readonly kind: FailureKind; readonly status?: number };

export const SUCCESS: AttemptOutcome = { ok: true };

/** Methods a retry may repeat without a `retryable` mark (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
