import { GatewayError } from '../gateway.errors.js';

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Maps what undici reports to the gateway's error table (a GatewayError, e.g. a body over the limit, passes through). */
export function upstreamFailure(error: Error, service: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TIMEOUTS.has(code)) {
    return new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${service} did not answer in time (${code}).`, { cause: error });
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new GatewayError('MESHWAY_BAD_REQUEST', 'The request body does not match its Content-Length.', { cause: error });
  }
  const why = typeof code === 'string' ? code : error.message;
  return new GatewayError('MESHWAY_UPSTREAM_UNAVAILABLE', `${service} could not be reached (${why}).`, { cause: error });
}
