import type { FailureKind } from '@meshway/resilience';
import { TransportError, TransportErrorCode } from '../transport.errors.js';

export type { FailureKind };

/** A failed upstream attempt: the error to answer with, and its kind. */
export interface UpstreamFailure {
  readonly kind: FailureKind;
  readonly error: TransportError;
}

/** Network error codes, by what they say about the instance. The ONE table for gateway and MeshClient alike. */
const KIND_BY_CODE: Readonly<Record<string, FailureKind>> = {
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  ENOTFOUND: 'connect',
  EAI_AGAIN: 'connect',
  EADDRNOTAVAIL: 'connect',
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  // TLS handshakes that fail never carry the request: the instance is unusable to this caller (wrong CA, no client certificate).
  EPROTO: 'connect',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'connect',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'connect',
  SELF_SIGNED_CERT_IN_CHAIN: 'connect',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'connect',
  CERT_HAS_EXPIRED: 'connect',
  CERT_SIGNATURE_FAILURE: 'connect',
  CERT_UNTRUSTED: 'connect',
  CERT_REJECTED: 'connect',
  CERT_NOT_YET_VALID: 'connect',
  ERR_TLS_CERT_ALTNAME_INVALID: 'connect',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_DESTROYED: 'reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
};

/** The failure kind of a network error code, or undefined when the code says nothing about the instance. */
export function failureKindOf(code: unknown): FailureKind | undefined {
  if (typeof code !== 'string') return undefined;
  return KIND_BY_CODE[code] ?? (code.startsWith('ERR_SSL_') ? 'connect' : undefined);
}

/**
 * Maps whatever an HTTP attempt threw to a classified failure: our own errors and abort reasons pass through
 * (a TransportError without a kind counts as `connect` when it is MESHWAY_UPSTREAM_UNAVAILABLE), network errors
 * become MESHWAY_UPSTREAM_UNAVAILABLE (`connect`/`reset`) or MESHWAY_UPSTREAM_TIMEOUT, anything else MESHWAY_UPSTREAM_ERROR.
 */
export function classifyUpstreamError(error: unknown, where: string): UpstreamFailure {
  if (error instanceof TransportError) return { kind: kindOfTransportError(error), error };
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const kind = failureKindOf(code);
  const why = typeof code === 'string' ? `${message} (${code})` : message;
  if (kind === 'timeout') return { kind, error: new TransportError(TransportErrorCode.UpstreamTimeout, `${where} did not answer in time: ${why}`, undefined, { cause: error, failure: kind }) };
  if (kind) return { kind, error: new TransportError(TransportErrorCode.UpstreamUnavailable, `${where} is unavailable: ${why}`, undefined, { cause: error, failure: kind }) };
  return { kind: 'reset', error: new TransportError(TransportErrorCode.UpstreamError, `${where} failed: ${why}`, undefined, { cause: error, failure: 'reset' }) };
}

function kindOfTransportError(error: TransportError): FailureKind {
  if (error.failure !== undefined) return error.failure;
  switch (error.code) {
    case TransportErrorCode.UpstreamTimeout:
    case TransportErrorCode.DeadlineExceeded:
      return 'timeout';
    case TransportErrorCode.UpstreamError:
      return error.status === undefined ? 'reset' : 'status';
    case TransportErrorCode.UpstreamUnavailable:
    case TransportErrorCode.NoInstance:
    case TransportErrorCode.NatsUnavailable:
      return 'connect';
    default:
      return 'reset';
  }
}

/**
 * For MeshClient: the caller's abort reason wins over what the aborted request threw (the undici/NATS error of an
 * aborted request says nothing about the instance).
 */
export function upstreamFailure(error: unknown, signal: AbortSignal, where: string): TransportError {
  if (signal.aborted && signal.reason instanceof TransportError && !(error instanceof TransportError)) return signal.reason;
  return classifyUpstreamError(error, where).error;
}
