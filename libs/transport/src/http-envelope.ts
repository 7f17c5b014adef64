/**
 * How an HTTP request travels over NATS (gateway → NATS service, or MeshClient → NATS service).
 *
 * On the wire this is the `data` of a Nest NATS packet — `{ pattern, data, id }` — so a plain
 * `@MessagePattern('orders.create')` handler receives it as its payload and may return a
 * {@link HttpReplyEnvelope} (any other return value is sent as a 200 JSON body).
 * Trace context, request id, deadline and caller identity travel as NATS headers (see `MESH_HEADERS`).
 */
export interface HttpRequestEnvelope {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path as the service sees it (after prefix stripping), without the query string. */
  readonly path: string;
  /** Path parameters matched by the gateway route (`/api/orders/:id` → `{ id }`). */
  readonly params: Readonly<Record<string, string>>;
  /** Query string, parsed; repeated keys become arrays. */
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** Request headers, lower-case names, hop-by-hop headers removed. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body; `null` when the request had none. Non-JSON bodies are sent as a base64 string with `bodyEncoding: 'base64'`. */
  readonly body: unknown;
  readonly bodyEncoding?: 'json' | 'base64';
}

/** JSON when the client says JSON or says nothing; any other content type travels as base64. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * A raw request body as an envelope carries it: `null` when empty, parsed JSON when the content type is JSON or absent,
 * else base64. Throws the parser's `SyntaxError` for a JSON body that does not parse (the caller answers 400 its way).
 */
export function envelopeBody(raw: Buffer, contentType: string | undefined): Pick<HttpRequestEnvelope, 'body' | 'bodyEncoding'> {
  if (raw.length === 0) return { body: null };
  if (!isJson(contentType)) return { body: raw.toString('base64'), bodyEncoding: 'base64' };
  return { body: JSON.parse(raw.toString('utf8')) as unknown, bodyEncoding: 'json' };
}

/** What a NATS handler returns to shape the HTTP response. */
export interface HttpReplyEnvelope {
  /** HTTP status code, 100–599. */
  readonly status: number;
  /** Extra response headers (content-type defaults to application/json). */
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body; omitted or `undefined` means an empty body. */
  readonly body?: unknown;
}

/** True when `value` has the shape of an {@link HttpReplyEnvelope}. */
export function isHttpReplyEnvelope(value: unknown): value is HttpReplyEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const status = (value as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599;
}

/** Shorthand for handlers: `return reply(201, order)`. */
export function reply(status: number, body?: unknown, headers?: Record<string, string>): HttpReplyEnvelope {
  return { status, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) };
}
