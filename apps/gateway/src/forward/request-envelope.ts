import { envelopeBody, type HttpRequestEnvelope } from '@meshway/transport';
import { GatewayError } from '../gateway.errors.js';
import type { Exchange } from '../chain/exchange.js';

function queryOf(search: string): Record<string, string | string[]> {
  // No prototype: `?constructor=x` or `?__proto__=x` are plain keys, not Object.prototype members.
  const query = Object.create(null) as Record<string, string | string[]>;
  if (search.length <= 1) return query;
  for (const [key, value] of new URLSearchParams(search)) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

function headersOf(ex: Exchange): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  const forward = ex.headers.forward;
  for (let i = 0; i < forward.length; i += 2) {
    const name = forward[i] as string;
    const value = forward[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  headers['x-request-id'] = ex.requestId;
  if (ex.headers.host !== undefined) headers['x-forwarded-host'] = ex.headers.host;
  return headers;
}

/** The envelope's body; a JSON body that does not parse is the client's 400. */
function bodyOf(raw: Buffer, contentType: string | undefined): Pick<HttpRequestEnvelope, 'body' | 'bodyEncoding'> {
  try {
    return envelopeBody(raw, contentType);
  } catch (error) {
    throw new GatewayError('MESHWAY_BAD_REQUEST', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The HTTP request as a NATS service receives it (see the gateway README, "NATS envelope"). */
export function requestEnvelope(ex: Exchange, rawBody: Buffer): HttpRequestEnvelope {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(ex.params)) if (value !== undefined) params[name] = value;
  return {
    method: ex.req.method ?? 'GET',
    path: ex.path,
    params,
    query: queryOf(ex.search),
    headers: headersOf(ex),
    ...bodyOf(rawBody, ex.headers.contentType),
  };
}
