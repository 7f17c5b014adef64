import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AUTH_HTTP_STATUS } from '@meshway/auth';
import { MeshwayError } from '@meshway/errors';
import { RATE_LIMIT_HTTP_STATUS } from '@meshway/rate-limit';
import { TransportErrorCode, UPSTREAM_ERROR_STATUS, isUpstreamErrorCode, type TransportError, type UpstreamErrorCode } from '@meshway/transport';

/** The gateway's own errors (request and edge problems) and their HTTP statuses. */
const EDGE_ERRORS = {
  /** No route matches the path (and host). */
  MESHWAY_NO_ROUTE: 404,
  /** A route matches the path but not the method; `Allow` lists the methods that would. */
  MESHWAY_METHOD_NOT_ALLOWED: 405,
  /** Malformed request: bad percent-encoding, a path escaping its root, an unreadable header or JSON body. */
  MESHWAY_BAD_REQUEST: 400,
  /** The request body exceeds the route's limit. */
  MESHWAY_BODY_TOO_LARGE: 413,
  /** Request headers exceed the server's limit. */
  MESHWAY_HEADERS_TOO_LARGE: 431,
  /** The client took too long to send its request headers. */
  MESHWAY_REQUEST_TIMEOUT: 408,
  /** A missing, malformed or unverifiable credential (`WWW-Authenticate` says which scheme). */
  MESHWAY_UNAUTHENTICATED: AUTH_HTTP_STATUS.MESHWAY_UNAUTHENTICATED,
  /** The caller is known but may not do this (missing scopes; an admin change without an admin token configured). */
  MESHWAY_FORBIDDEN: AUTH_HTTP_STATUS.MESHWAY_FORBIDDEN,
  /** The route's rate limit is spent for this caller; `Retry-After` and `RateLimit-*` say when it refills. */
  MESHWAY_RATE_LIMITED: RATE_LIMIT_HTTP_STATUS.MESHWAY_RATE_LIMITED,
  /** The shared rate-limit store (Redis) cannot be asked and the gateway is configured to fail closed. */
  MESHWAY_RATE_LIMIT_UNAVAILABLE: RATE_LIMIT_HTTP_STATUS.MESHWAY_RATE_LIMIT_UNAVAILABLE,
  /** The request (or its route) names a version no running instance has; `x-meshway-versions` lists the running ones. */
  MESHWAY_NO_VERSION: 404,
  /** Admin API: the named route, release or instance does not exist. */
  MESHWAY_NOT_FOUND: 404,
  /** Admin API: the name exists already, or the configuration changed under the request (compare-and-set lost). */
  MESHWAY_CONFLICT: 409,
  /** A bug in the gateway (logged); never caused by a request's content. */
  MESHWAY_INTERNAL_ERROR: 500,
} as const;

/**
 * Every error the gateway answers with, and its HTTP status: the ONE table (its upstream rows are `@meshway/transport`'s
 * {@link UPSTREAM_ERROR_STATUS}, shared with services).
 * Clients switch on `code`, never on the message.
 */
export const GATEWAY_ERRORS: Readonly<Record<GatewayErrorCode, number>> = { ...EDGE_ERRORS, ...UPSTREAM_ERROR_STATUS };

export type GatewayErrorCode = keyof typeof EDGE_ERRORS | UpstreamErrorCode;

/** Boot-time configuration errors (never sent to clients). */
export const GATEWAY_CONFIG_ERROR = 'MESHWAY_GATEWAY_INVALID_CONFIG';

/** Extras an error may carry to the response. */
export interface GatewayErrorExtras {
  /** Extra response headers, e.g. `Allow` for 405. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A status the upstream reported (a NATS `err` with a status), instead of the table's. */
  readonly status?: number;
  readonly cause?: unknown;
}

export class GatewayError extends MeshwayError<GatewayErrorCode> {
  override readonly name = 'GatewayError';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: GatewayErrorCode, message: string, extras: GatewayErrorExtras = {}) {
    super(code, message, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.status = extras.status ?? GATEWAY_ERRORS[code];
    this.headers = extras.headers;
  }

  /**
   * The answer for a failed upstream call: the transport's code and message; an upstream's own error status (a NATS
   * `err` carrying 404) when it reported one; a caller-side transport code (a gateway bug) as a 500.
   */
  static fromTransport(error: TransportError): GatewayError {
    if (!isUpstreamErrorCode(error.code)) return new GatewayError('MESHWAY_INTERNAL_ERROR', 'The gateway failed to forward the request.', { cause: error });
    const status = error.code === TransportErrorCode.UpstreamError ? error.status : undefined;
    return new GatewayError(error.code, error.message, { cause: error, ...(status === undefined ? {} : { status }) });
  }
}

/** A routes file or option the gateway cannot start with. */
export class GatewayConfigError extends MeshwayError<typeof GATEWAY_CONFIG_ERROR> {
  override readonly name = 'GatewayConfigError';

  constructor(message: string, options?: ErrorOptions) {
    super(GATEWAY_CONFIG_ERROR, message, options);
  }
}

/**
 * Headers on every response the gateway makes itself (errors, redirects, preflight answers): the body is JSON data, never
 * to be sniffed, framed, cached or followed with a referrer. Upstream responses pass through untouched.
 */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * Writes `{ error: { code, message, requestId } }` with the table's status, unless a response already started
 * (then the connection is cut: a half-sent body must not look complete).
 */
export function sendError(res: ServerResponse, error: GatewayError, requestId: string, closeConnection = false, extraHeaders?: readonly string[]): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: error.code, message: error.message, requestId } });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...GATEWAY_RESPONSE_HEADERS,
    ...error.headers,
  };
  if (closeConnection) headers.connection = 'close';
  if (extraHeaders) for (let i = 0; i < extraHeaders.length; i += 2) headers[extraHeaders[i] as string] = extraHeaders[i + 1] as string;
  res.writeHead(error.status, headers);
  res.end(body);
}

/** The same JSON error on a raw socket (client errors before a request exists, refused upgrades); closes it. */
export function writeSocketError(socket: Duplex, error: GatewayError, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: error.code, message: error.message, requestId } });
  const extra = Object.entries({ ...GATEWAY_RESPONSE_HEADERS, ...error.headers }).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
}
