import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Every error the gateway answers with, and its HTTP status: the ONE table.
 * Clients switch on `code`, never on the message. Transport codes keep the names `@meshway/transport` uses.
 */
export const GATEWAY_ERRORS = {
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
  /** Discovery knows no healthy instance of the route's service. */
  MESHWAY_NO_INSTANCE: 503,
  /** A NATS route was hit but the gateway has no NATS connection. */
  MESHWAY_NATS_UNAVAILABLE: 503,
  /** Connection refused/reset, no NATS responder, or the upstream broke the exchange. */
  MESHWAY_UPSTREAM_UNAVAILABLE: 502,
  /** The upstream answered with an error (a NATS `err`). */
  MESHWAY_UPSTREAM_ERROR: 502,
  /** The upstream's reply could not be decoded. */
  MESHWAY_BAD_REPLY: 502,
  /** No response headers within the deadline (route timeout, or the caller's `x-request-timeout`). */
  MESHWAY_UPSTREAM_TIMEOUT: 504,
  /** A bug in the gateway (logged); never caused by a request's content. */
  MESHWAY_INTERNAL_ERROR: 500,
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

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

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    extras: GatewayErrorExtras = {},
  ) {
    super(message, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.status = extras.status ?? GATEWAY_ERRORS[code];
    this.headers = extras.headers;
  }
}

/** A routes file or option the gateway cannot start with. */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
  readonly code = GATEWAY_CONFIG_ERROR;
}

/**
 * Writes `{ error: { code, message, requestId } }` with the table's status, unless a response already started
 * (then the connection is cut: a half-sent body must not look complete).
 */
export function sendError(res: ServerResponse, error: GatewayError, requestId: string, closeConnection = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: error.code, message: error.message, requestId } });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...error.headers,
  };
  if (closeConnection) headers.connection = 'close';
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
  const extra = Object.entries(error.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
}
