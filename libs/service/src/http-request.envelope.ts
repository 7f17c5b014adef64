import { envelopeBody, MESH_HEADERS, type HttpRequestEnvelope } from '@meshway/transport';
import { ApiError, ApiErrorCode } from './api-error.js';
import { connectionNamed, isHopByHop } from './hop-by-hop.js';

/** What an HTTP request gives to build the envelope the gateway would have sent over NATS. */
export interface EnvelopeSource {
  readonly method: string;
  /** The request target as received: path (prefix already stripped by the gateway) and query string. */
  readonly url: string;
  /** Path parameters the route matched. */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** Node's `rawHeaders`: `[name, value, …]` as received. */
  readonly rawHeaders: readonly string[];
  readonly requestId: string;
  /** The raw body; empty when there was none. */
  readonly body: Buffer;
}

/** Set by the gateway itself (or sent as NATS headers), never copied from the request into the envelope. */
const SET_BY_GATEWAY = new Set(['host', 'expect', MESH_HEADERS.requestId, MESH_HEADERS.timeout, 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

/**
 * Lower-case names, repeated headers joined with ", " — as the gateway builds them: end-to-end headers only, no
 * `x-meshway-*` (the gateway's namespace), `x-request-id` always, `x-forwarded-host` = the client's host.
 */
function headersOf(source: EnvelopeSource): Record<string, string> {
  // No prototype: a header called `__proto__` is a plain key.
  const headers = Object.create(null) as Record<string, string>;
  const dropped = connectionNamed(source.rawHeaders);
  let host: string | undefined;
  let forwardedHost: string | undefined;
  for (let i = 0; i < source.rawHeaders.length; i += 2) {
    const name = (source.rawHeaders[i] ?? '').toLowerCase();
    const value = source.rawHeaders[i + 1] ?? '';
    if (name === 'host') host ??= value;
    if (name === 'x-forwarded-host') forwardedHost ??= value;
    if (isHopByHop(name, dropped) || SET_BY_GATEWAY.has(name) || name.startsWith('x-meshway-')) continue;
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name] ?? ''}, ${value}` : value;
  }
  headers[MESH_HEADERS.requestId] = source.requestId;
  const clientHost = forwardedHost ?? host;
  if (clientHost !== undefined) headers['x-forwarded-host'] = clientHost;
  return headers;
}

function queryOf(search: string): Record<string, string | string[]> {
  // No prototype while building: `?__proto__=x` is a plain key (the JSON round trip keeps it one).
  const query = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(search)) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

/** The envelope's body; a JSON body that does not parse is the client's 400. */
function bodyOf(raw: Buffer, contentType: string | undefined): Pick<HttpRequestEnvelope, 'body' | 'bodyEncoding'> {
  try {
    return envelopeBody(raw, contentType);
  } catch (error) {
    throw new ApiError(400, ApiErrorCode.BadRequest, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The {@link HttpRequestEnvelope} the gateway sends a NATS service for this request (see the gateway's
 * `request-envelope.ts`), through a JSON round trip so the handler gets exactly what NATS would deliver:
 * plain objects, nothing `undefined`. Bad JSON, or JSON nested too deeply to travel, is a 400 BAD_REQUEST.
 */
export function requestEnvelope(source: EnvelopeSource): HttpRequestEnvelope {
  const q = source.url.indexOf('?');
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.params)) if (value !== undefined) params[name] = value;
  const headers = headersOf(source);
  const envelope: HttpRequestEnvelope = {
    method: source.method,
    path: q === -1 ? source.url : source.url.slice(0, q),
    params,
    query: queryOf(q === -1 ? '' : source.url.slice(q)),
    headers,
    ...bodyOf(source.body, headers['content-type']),
  };
  try {
    return JSON.parse(JSON.stringify(envelope)) as HttpRequestEnvelope;
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError(400, ApiErrorCode.BadRequest, 'The JSON body is nested too deeply.');
    throw error;
  }
}
