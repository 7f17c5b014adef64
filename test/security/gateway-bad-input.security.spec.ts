import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { chunkedBody, http11, rawExchange, type RawReply, type RawRequest } from './raw-http.client.js';

/** The body limit the gateway README documents for routes that set none (`GATEWAY_BODY_LIMIT_BYTES`). */
const DEFAULT_BODY_LIMIT = 1_048_576;
const JSON_TYPE = ['content-type', 'application/json'] as const;

interface Row {
  /** The attack or bad input, and what must happen. */
  readonly name: string;
  readonly request: RawRequest;
  readonly status: number;
  readonly code: string;
  /** The gateway must close the connection: the stream can no longer be trusted (parse error, unread body). */
  readonly closes?: boolean;
  /** Extra checks on the reply. */
  readonly check?: (reply: RawReply) => void;
}

/** The reply came from a users instance: the input stayed inside the /api/users route. */
const answeredByUsers = (reply: RawReply): void => {
  expect(reply.headers['x-meshway-instance']).toMatch(/^users-/);
};

const get = (target: string, headers: readonly (readonly [string, string])[] = []): Buffer => http11('GET', target, headers);
const postJson = (target: string, body: string, headers: readonly (readonly [string, string])[] = []): Buffer =>
  http11('POST', target, [JSON_TYPE, ['content-length', String(Buffer.byteLength(body))], ...headers], { body });

const rows: readonly Row[] = [
  // Routing
  { name: 'an unknown route → 404 MESHWAY_NO_ROUTE', request: get('/nope'), status: 404, code: 'MESHWAY_NO_ROUTE' },
  { name: 'a path that only shares the prefix (/api/usersadmin) → 404 MESHWAY_NO_ROUTE', request: get('/api/usersadmin'), status: 404, code: 'MESHWAY_NO_ROUTE' },
  { name: 'an absolute-form target (open-proxy probe) → 400 MESHWAY_BAD_REQUEST', request: get('http://evil.example/api/users'), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  // Methods
  { name: 'an unknown method BREW → 400 MESHWAY_BAD_REQUEST, connection closed', request: http11('BREW', '/api/users'), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  {
    name: 'TRACE on an any-method route (cross-site tracing) → 405, and Allow does not list TRACE',
    request: http11('TRACE', '/api/users'), status: 405, code: 'MESHWAY_METHOD_NOT_ALLOWED',
    check: (reply) => { expect(reply.headers.allow).toContain('GET'); expect(reply.headers.allow).not.toContain('TRACE'); },
  },
  {
    name: 'DELETE on GET-only /api/orders/:id → 405 with Allow: GET',
    request: http11('DELETE', '/api/orders/1'), status: 405, code: 'MESHWAY_METHOD_NOT_ALLOWED',
    check: (reply) => { expect(reply.headers.allow).toBe('GET'); },
  },
  // Head size
  { name: 'a 64 KiB header → 431 MESHWAY_HEADERS_TOO_LARGE, connection closed', request: get('/api/users', [['x-big', 'b'.repeat(65_536)]]), status: 431, code: 'MESHWAY_HEADERS_TOO_LARGE', closes: true },
  {
    name: '3000 small headers (36 KB head) → 431 MESHWAY_HEADERS_TOO_LARGE, connection closed',
    request: get('/api/users', Array.from({ length: 3000 }, (_, i) => [`x-h${String(i)}`, 'vvvvv'] as const)), status: 431, code: 'MESHWAY_HEADERS_TOO_LARGE', closes: true,
  },
  { name: 'a 100 KB URL path → 431 MESHWAY_HEADERS_TOO_LARGE, connection closed', request: get(`/api/users/${'a'.repeat(100_000)}`), status: 431, code: 'MESHWAY_HEADERS_TOO_LARGE', closes: true },
  { name: 'a 100 KB query string → 431 MESHWAY_HEADERS_TOO_LARGE, connection closed', request: get(`/api/users?q=${'a'.repeat(100_000)}`), status: 431, code: 'MESHWAY_HEADERS_TOO_LARGE', closes: true },
  // Bodies
  { name: 'invalid JSON to the NATS route POST /api/orders → 400 MESHWAY_BAD_REQUEST', request: postJson('/api/orders', '{"userId":'), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  {
    name: 'invalid JSON with no content type (parsed as JSON) to POST /api/orders → 400 MESHWAY_BAD_REQUEST',
    request: http11('POST', '/api/orders', [['content-length', '3']], { body: '{,}' }), status: 400, code: 'MESHWAY_BAD_REQUEST',
  },
  {
    name: 'a declared body over the 1 MiB limit (HTTP route) → 413 MESHWAY_BODY_TOO_LARGE before any byte is read, connection closed',
    request: http11('POST', '/api/users', [JSON_TYPE, ['content-length', String(DEFAULT_BODY_LIMIT + 1)]]), status: 413, code: 'MESHWAY_BODY_TOO_LARGE', closes: true,
  },
  {
    name: 'a declared body over the 1 MiB limit (NATS route) → 413 MESHWAY_BODY_TOO_LARGE, connection closed',
    request: http11('POST', '/api/orders', [JSON_TYPE, ['content-length', String(DEFAULT_BODY_LIMIT + 1)]]), status: 413, code: 'MESHWAY_BODY_TOO_LARGE', closes: true,
  },
  {
    name: 'a chunked body growing past 1 MiB (NATS route) → 413 MESHWAY_BODY_TOO_LARGE',
    request: [http11('POST', '/api/orders', [JSON_TYPE, ['transfer-encoding', 'chunked']]), chunkedBody(DEFAULT_BODY_LIMIT + 1)], status: 413, code: 'MESHWAY_BODY_TOO_LARGE',
  },
  {
    name: 'a chunked body growing past 1 MiB (HTTP route, streamed upstream) → 413 MESHWAY_BODY_TOO_LARGE',
    request: [http11('POST', '/api/users', [JSON_TYPE, ['transfer-encoding', 'chunked']]), chunkedBody(DEFAULT_BODY_LIMIT + 1)], status: 413, code: 'MESHWAY_BODY_TOO_LARGE',
  },
  {
    name: 'a body of exactly 1 MiB is within the limit: it is read and judged as JSON (400, not 413)',
    request: postJson('/api/orders', 'a'.repeat(DEFAULT_BODY_LIMIT)), status: 400, code: 'MESHWAY_BAD_REQUEST',
  },
  // Paths
  { name: 'encoded slashes /api/users/..%2f..%2fadmin stay one opaque segment inside the users route → 404 USER_NOT_FOUND', request: get('/api/users/..%2f..%2fadmin'), status: 404, code: 'USER_NOT_FOUND', check: answeredByUsers },
  { name: 'encoded dots /api/users/%2e%2e/%2e%2e/etc/passwd resolve to /etc/passwd, which no route serves → 404 MESHWAY_NO_ROUTE', request: get('/api/users/%2e%2e/%2e%2e/etc/passwd'), status: 404, code: 'MESHWAY_NO_ROUTE' },
  { name: 'plain dots /api/users/../admin resolve to /api/admin, outside the users route → 404 MESHWAY_NO_ROUTE', request: get('/api/users/../admin'), status: 404, code: 'MESHWAY_NO_ROUTE' },
  { name: 'dots climbing above the root (/api/users/%2e%2e/%2e%2e/%2e%2e/etc) → 400 MESHWAY_BAD_REQUEST', request: get('/api/users/%2e%2e/%2e%2e/%2e%2e/etc'), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'a backslash path (/api/users\\..\\admin) → 400 MESHWAY_BAD_REQUEST', request: get('/api/users\\..\\admin'), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'double-encoded dots (%252e%252e) are data, not dots: forwarded inside the users route → 404', request: get('/api/users/%252e%252e/admin'), status: 404, code: 'NOT_FOUND', check: answeredByUsers },
  { name: 'malformed percent-encoding /api/users/%E0%A4%A → 400 MESHWAY_BAD_REQUEST', request: get('/api/users/%E0%A4%A'), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'overlong UTF-8 dots (%c0%ae%c0%ae) → 400 MESHWAY_BAD_REQUEST', request: get('/api/users/%c0%ae%c0%ae/admin'), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'an encoded null byte /api/users/%00 is an opaque id inside the users route → 404 USER_NOT_FOUND', request: get('/api/users/%00'), status: 404, code: 'USER_NOT_FOUND', check: answeredByUsers },
  { name: 'a raw null byte in the request line → 400 MESHWAY_BAD_REQUEST, connection closed', request: get('/api/users/\u0000'), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  // Deadline header
  ...['-1', 'abc', '0', '1.5', '1e3', '99999999999'].map((value): Row => ({
    name: `x-request-timeout: ${value} → 400 MESHWAY_BAD_REQUEST`, request: get('/api/users', [['x-request-timeout', value]]), status: 400, code: 'MESHWAY_BAD_REQUEST',
  })),
  {
    name: 'a 300-character x-request-id is not echoed back: the gateway answers with its own UUID',
    request: get('/nope', [['x-request-id', 'r'.repeat(300)]]), status: 404, code: 'MESHWAY_NO_ROUTE',
    check: (reply) => { expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/); },
  },
  // Request smuggling: two framings, or an obfuscated one, must never be guessed at.
  {
    name: 'Content-Length + Transfer-Encoding: chunked (CL.TE smuggling) → 400, connection closed, the smuggled request never runs',
    request: http11('POST', '/api/users', [['content-length', '6'], ['transfer-encoding', 'chunked']], { body: '0\r\n\r\nGET /api/users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' }),
    status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true,
  },
  {
    name: 'Transfer-Encoding: chunked + Content-Length (TE.CL smuggling) → 400, connection closed, the smuggled request never runs',
    request: http11('POST', '/api/users', [['transfer-encoding', 'chunked'], ['content-length', '4']], { body: '5c\r\nGET /api/users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n0\r\n\r\n' }),
    status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true,
  },
  {
    name: 'two different Content-Length headers → 400, connection closed',
    request: http11('POST', '/api/users', [['content-length', '5'], ['content-length', '6']], { body: 'hello!' }), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true,
  },
  { name: 'an obfuscated Transfer-Encoding: xchunked → 400, connection closed', request: http11('POST', '/api/users', [['transfer-encoding', 'xchunked']], { body: '0\r\n\r\n' }), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  { name: 'Transfer-Encoding: chunked, identity → 400, connection closed', request: http11('POST', '/api/users', [['transfer-encoding', 'chunked, identity']], { body: '0\r\n\r\n' }), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  { name: '"Transfer-Encoding :" (space before the colon) → 400, connection closed', request: http11('POST', '/api/users', [['transfer-encoding ', 'chunked']], { body: '0\r\n\r\n' }), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  { name: 'a folded (obs-fold) Transfer-Encoding → 400, connection closed', request: http11('POST', '/api/users', [['transfer-encoding', 'identity\r\n chunked']], { body: '0\r\n\r\n' }), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  { name: 'a negative Content-Length → 400, connection closed', request: http11('POST', '/api/users', [['content-length', '-1']]), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  { name: 'a bare CR inside a header value → 400, connection closed', request: get('/api/users', [['x-a', 'a\rb']]), status: 400, code: 'MESHWAY_BAD_REQUEST', closes: true },
  { name: 'Expect: 100-continue on an HTTP route → answered by the gateway, the request reaches users (201)', request: postJson('/api/users', '{"name":"Expect","email":"expect@example.com"}', [['expect', '100-continue']]), status: 201, code: '' },
  { name: 'two Host headers (RFC 9112 §3.2) → 400', request: http11('GET', '/api/users', [['host', 'a.example'], ['host', 'b.example']], { host: false }), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'an HTTP/1.1 request with no Host → 400 in the JSON error shape', request: http11('GET', '/api/users', [], { host: false }), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'JSON nested 100 000 deep (200 KB, under the limit) to a NATS route → 400, not "NATS unavailable"', request: postJson('/api/orders', '['.repeat(100_000) + ']'.repeat(100_000)), status: 400, code: 'MESHWAY_BAD_REQUEST' },
  { name: 'a query parameter named like an Object.prototype member (?constructor=x) → a plain key (200)', request: get('/api/orders?constructor=x'), status: 200, code: '' },
];


describe('gateway under bad and hostile input (real gateway, users over HTTP, orders over NATS)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ services: { users: 1, orders: 1 } });
    await waitFor(async () => (await fetch(`${platform.gatewayUrl}/api/users`)).status === 200 && (await fetch(`${platform.gatewayUrl}/api/orders`)).status === 200, {
      timeoutMs: 30_000, message: 'gateway routes /api/users and /api/orders',
    });
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  });

  async function expectGatewayHealthy(): Promise<void> {
    const health = await fetch(`${platform.adminUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const user = await fetch(`${platform.gatewayUrl}/api/users/1`, { signal: AbortSignal.timeout(5_000) });
    expect(user.status).toBe(200);
  }

  async function expectRow(row: Row): Promise<void> {
    const reply = await rawExchange(platform.gatewayUrl, row.request, { closeWaitMs: row.closes ? 2_000 : 0 });
    expect(reply.status, `status (body: ${reply.body.slice(0, 300)})`).toBe(row.status);
    if (row.code !== '') {
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(reply.body)).toEqual({ error: expect.objectContaining({ code: row.code, message: expect.any(String), requestId: reply.headers['x-request-id'] }) });
    }
    expect(reply.responses, 'exactly one response on the connection').toBe(1);
    if (row.closes) expect(reply.closed, 'the gateway closed the connection').toBe(true);
    row.check?.(reply);
  }

  it('serves every route with the documented default body limit', async () => {
    const table = (await (await fetch(`${platform.adminUrl}/routes`)).json()) as { routes: { route: string; bodyLimitBytes: number }[] };
    const limits = new Map(table.routes.map((r) => [r.route, r.bodyLimitBytes]));
    expect(limits.get('* /api/users')).toBe(DEFAULT_BODY_LIMIT);
    expect(limits.get('POST /api/orders')).toBe(DEFAULT_BODY_LIMIT);
  });

  it.each(rows)('$name', async (row) => {
    await expectRow(row);
    await expectGatewayHealthy();
  });

  it('a CONNECT tunnel request is never tunnelled: the connection closes with no 2xx', async () => {
    const reply = await rawExchange(platform.gatewayUrl, http11('CONNECT', '127.0.0.1:22'), { closeWaitMs: 2_000 });
    expect(reply.closed).toBe(true);
    expect(reply.status === 0 || reply.status >= 400).toBe(true);
    await expectGatewayHealthy();
  });

  it('leaves users (direct and through the gateway) and orders answering normally after all of the above', async () => {
    const [users] = platform.instances('users');
    const direct = await fetch(`${users!.url}/users/1`);
    expect(direct.status).toBe(200);
    expect(await direct.json()).toEqual({ id: '1', name: 'Ada Lovelace', email: 'ada@example.com' });
    const routed = await fetch(`${platform.gatewayUrl}/api/users/2`);
    expect(routed.status).toBe(200);
    expect(await routed.json()).toMatchObject({ id: '2', name: 'Alan Turing' });
    const created = await fetch(`${platform.gatewayUrl}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: '1', items: [{ sku: 'pen', qty: 1 }] }) });
    expect(created.status).toBe(201);
  });
});
