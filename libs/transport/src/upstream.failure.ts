import { TransportError, TransportErrorCode } from './transport.errors.js';

/** Network error codes that mean "nobody there / connection broke", as opposed to a slow answer. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Maps whatever a call threw to a TransportError: our own errors and abort reasons pass through,
 * network failures become MESHWAY_UPSTREAM_UNAVAILABLE, anything else MESHWAY_UPSTREAM_ERROR.
 */
export function upstreamFailure(error: unknown, signal: AbortSignal, where: string): TransportError {
  if (error instanceof TransportError) return error;
  if (signal.aborted && signal.reason instanceof TransportError) return signal.reason;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
    return new TransportError(TransportErrorCode.UpstreamUnavailable, `${where} is unavailable: ${message}`, undefined, { cause: error });
  }
  return new TransportError(TransportErrorCode.UpstreamError, `${where} failed: ${message}`, undefined, { cause: error });
}
