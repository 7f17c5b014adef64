/** What the gateway reads from a request's headers, and the end-to-end headers it forwards. */
export interface IncomingHeaders {
  host: string | undefined;
  requestId: string | undefined;
  timeout: string | undefined;
  /** Existing `x-forwarded-for` chain (several headers joined with ", "). */
  forwardedFor: string | undefined;
  contentLength: string | undefined;
  contentType: string | undefined;
  chunked: boolean;
  connection: string | undefined;
  upgrade: string | undefined;
  /** CORS: the caller's `Origin`, and a preflight's `Access-Control-Request-Method` / `-Headers` (all forwarded too). */
  origin?: string;
  corsMethod?: string;
  corsHeaders?: string;
  /** More than one Host header was sent. */
  duplicateHost?: boolean;
  /** Headers to forward as a flat `[name, value, …]` list, lower-case names. */
  readonly forward: string[];
}

/** Connection tokens that name no header. */
const CONNECTION_OPTIONS = new Set(['close', 'keep-alive', 'upgrade']);

/**
 * One pass over `req.rawHeaders` (cheaper than Node's lazily built `req.headers`): pulls out what the
 * gateway needs and keeps the end-to-end headers. Dropped: hop-by-hop headers (RFC 9110 §7.6.1:
 * connection, keep-alive, proxy-*, te, trailer, transfer-encoding, upgrade, and any named in
 * Connection) and the ones the gateway sets itself (host, x-forwarded-*, x-request-id, x-request-timeout, x-meshway-*).
 */
export function readIncomingHeaders(raw: readonly string[]): IncomingHeaders {
  const headers: IncomingHeaders = {
    host: undefined, requestId: undefined, timeout: undefined, forwardedFor: undefined, contentLength: undefined,
    contentType: undefined, chunked: false, connection: undefined, upgrade: undefined, forward: [],
  };
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    switch (name) {
      case 'host':
        // RFC 9112 §3.2: more than one Host is a bad request (proxies in front may have routed on the other one).
        if (headers.host !== undefined) headers.duplicateHost = true;
        headers.host = value;
        continue;
      // Node answers `100 Continue` itself; undici refuses to send `expect` upstream.
      case 'expect': continue;
      case 'x-request-id': headers.requestId = value; continue;
      case 'x-request-timeout': headers.timeout = value; continue;
      case 'x-forwarded-for': headers.forwardedFor = headers.forwardedFor === undefined ? value : `${headers.forwardedFor}, ${value}`; continue;
      case 'transfer-encoding': headers.chunked = true; continue;
      case 'connection': headers.connection = value; continue;
      case 'upgrade': headers.upgrade = value; continue;
      case 'x-forwarded-proto': case 'x-forwarded-host': case 'keep-alive': case 'te': case 'trailer': continue;
      case 'content-length': headers.contentLength = value; break;
      case 'content-type': headers.contentType = value; break;
      case 'origin': headers.origin = value; break;
      case 'access-control-request-method': headers.corsMethod = value; break;
      case 'access-control-request-headers': headers.corsHeaders = value; break;
      // `x-meshway-*` is the gateway's namespace: identity (`x-meshway-consumer`, `x-meshway-scopes`) is set by the
      // gateway after authentication, never believed from a client.
      default: if (name.startsWith('proxy-') || name.startsWith('x-meshway-')) continue;
    }
    headers.forward.push(name, value);
  }
  if (headers.connection !== undefined) dropConnectionNamed(headers.forward, headers.connection);
  return headers;
}

/** Removes headers listed in `Connection` (rare: almost every client sends only keep-alive/close). */
function dropConnectionNamed(forward: string[], connection: string): void {
  const named = connection.toLowerCase().split(',').map((token) => token.trim()).filter((token) => token !== '' && !CONNECTION_OPTIONS.has(token));
  if (named.length === 0) return;
  for (let i = forward.length - 2; i >= 0; i -= 2) {
    if (named.includes(forward[i] as string)) forward.splice(i, 2);
  }
}

const RESPONSE_HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** Strips hop-by-hop headers from an upstream response's (parsed, lower-case) headers, in place. */
export function stripResponseHopByHop(headers: Record<string, string | string[] | undefined>): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const token of String(connection).toLowerCase().split(',')) {
      const name = token.trim();
      if (name !== '' && !CONNECTION_OPTIONS.has(name)) Reflect.deleteProperty(headers, name);
    }
  }
  for (const name of RESPONSE_HOP_BY_HOP) if (headers[name] !== undefined) Reflect.deleteProperty(headers, name);
}

const VALID_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** A client's request id is kept when it is 1–200 visible ASCII characters; otherwise the gateway makes one. */
export function acceptableRequestId(id: string | undefined): id is string {
  return id !== undefined && VALID_REQUEST_ID.test(id);
}

/** `Host: api.example.com:8080` → `api.example.com`; `[::1]:8080` → `::1`. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined;
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']')).toLowerCase();
  const colon = host.indexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/** The first value of a forwarded header (`forward` holds lower-case names), or undefined. */
export function headerValue(forward: readonly string[], name: string): string | undefined {
  for (let i = 0; i < forward.length; i += 2) if (forward[i] === name) return forward[i + 1];
  return undefined;
}
