import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawToken, signHmac, TestIssuer, waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { http11, rawExchange, type RawReply, type RawRequest } from './raw-http.client.js';

const API_KEY = 'batch-7f3a9c2e5b1d4f608a2c4e6b8d0f1a3c';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

interface Row {
  /** The attack, and what must happen. */
  readonly name: string;
  readonly request: () => Promise<RawRequest> | RawRequest;
  readonly status: number;
  /** The error code; '' when the answer is the service's own (a 200 that proves the control case). */
  readonly code: string;
  readonly check?: (reply: RawReply) => void;
}

const get = (target: string, headers: readonly (readonly [string, string])[] = []): Buffer => http11('GET', target, headers);
const challenge = (error: string) => (reply: RawReply): void => {
  expect(reply.headers['www-authenticate']).toContain(`error="${error}"`);
};

describe('gateway auth and rate limits under attack (real gateway and users processes, routes file with an auth block)', () => {
  let platform: Platform;
  let issuer: TestIssuer;
  let dir: string;
  let valid: string;

  /** A token of the trusted issuer with `users:read`, for a user named `sub`, changed by `claims`/`header`. */
  const token = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> => issuer.sign('alice', 'users:read', claims, header);
  const bearer = (value: string): readonly [string, string] => ['authorization', `Bearer ${value}`];
  const parts = (jwt: string): [string, string, string] => jwt.split('.') as [string, string, string];
  const now = (): number => Math.floor(Date.now() / 1000);

  const rows: readonly Row[] = [
    // Credentials missing or malformed: 401 with a challenge, never a 5xx, never the service.
    { name: 'no credential → 401 with a plain Bearer challenge', request: () => get('/api/users/1'), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: (r) => { expect(r.headers['www-authenticate']).toBe('Bearer realm="meshway"'); } },
    { name: 'an empty Authorization header → 401 invalid_request', request: () => get('/api/users/1', [['authorization', '']]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_request') },
    { name: 'two Authorization headers, one of them valid → 401 invalid_request (no guessing which one counts)', request: () => get('/api/users/1', [bearer(valid), ['authorization', 'Bearer x']]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_request') },
    { name: '"Bearer" with no token → 401 invalid_request', request: () => get('/api/users/1', [['authorization', 'Bearer']]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_request') },
    { name: 'a bare token without a scheme → 401 invalid_request', request: () => get('/api/users/1', [['authorization', valid]]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_request') },
    { name: 'the Basic scheme → 401 invalid_request', request: () => get('/api/users/1', [['authorization', `Basic ${Buffer.from('alice:secret').toString('base64')}`]]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_request') },
    { name: 'a token with characters RFC 6750 forbids → 401', request: () => get('/api/users/1', [['authorization', 'Bearer a"b<c>']]), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    // Forged and tampered tokens.
    { name: 'alg "none", unsigned → 401 invalid_token', request: () => get('/api/users/1', [bearer(rawToken({ alg: 'none', typ: 'JWT' }, issuer.claims('alice', 'users:read')))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'alg "None", unsigned → 401 invalid_token', request: () => get('/api/users/1', [bearer(rawToken({ alg: 'None' }, issuer.claims('alice', 'users:read')))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    {
      name: 'the issuer\'s RS256 public key used as an HS256 secret (key confusion) → 401 invalid_token',
      request: async () => get('/api/users/1', [bearer(await signHmac(issuer.publicPem, issuer.claims('alice', 'users:read'), { kid: issuer.kid }))]),
      status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token'),
    },
    { name: 'an expired token → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({ exp: now() - 3_600 }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'nbf an hour ahead → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({ nbf: now() + 3_600 }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'a wrong iss → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({ iss: 'https://evil.example' }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'a wrong aud → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({ aud: 'another-api' }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'no exp (the issuer does not allow it) → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({ exp: undefined }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    {
      name: 'a tampered payload (scopes widened, signature kept) → 401 invalid_token',
      request: () => {
        const [head, , signature] = parts(valid);
        const widened = Buffer.from(JSON.stringify(issuer.claims('alice', 'users:read users:write admin'))).toString('base64url');
        return get('/api/users/1', [bearer(`${head}.${widened}.${signature}`)]);
      },
      status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token'),
    },
    {
      name: 'a tampered signature (one character changed) → 401 invalid_token',
      request: () => {
        const [head, payload, signature] = parts(valid);
        const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
        return get('/api/users/1', [bearer(`${head}.${payload}.${flipped}`)]);
      },
      status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token'),
    },
    { name: 'the signature stripped (header.payload.) → 401 invalid_token', request: () => { const [head, payload] = parts(valid); return get('/api/users/1', [bearer(`${head}.${payload}.`)]); }, status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'an unknown kid → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({}, { kid: 'rotated-away' }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'a kid with a path (../../etc/passwd) → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({}, { kid: '../../../../etc/passwd' }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'a kid with SQL (\' OR 1=1 --) → 401 invalid_token', request: async () => get('/api/users/1', [bearer(await token({}, { kid: "' OR 1=1 --" }))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'a 12 KB token (over the 8 KB token limit) → 401, refused by its size', request: () => get('/api/users/1', [bearer('a'.repeat(12_000))]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: challenge('invalid_token') },
    { name: 'a 100 KB token → 431 MESHWAY_HEADERS_TOO_LARGE before any parsing', request: () => get('/api/users/1', [bearer('a'.repeat(100_000))]), status: 431, code: 'MESHWAY_HEADERS_TOO_LARGE' },
    // Authorization.
    { name: 'a valid token without the route\'s scope → 403 MESHWAY_FORBIDDEN (insufficient_scope)', request: async () => get('/api/users/1', [bearer(await issuer.sign('mallory', 'orders:read'))]), status: 403, code: 'MESHWAY_FORBIDDEN', check: challenge('insufficient_scope') },
    { name: 'a spoofed x-meshway-consumer / x-meshway-scopes without a token → 401 (identity headers are never believed from a client)', request: () => get('/api/users/1', [['x-meshway-consumer', 'batch-jobs'], ['x-meshway-scopes', 'users:read']]), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    { name: 'control: a valid token with the scope → 200 from users', request: () => get('/api/users/1', [bearer(valid)]), status: 200, code: '' },
    // Reaching the protected route through an open one.
    { name: '/public/../api/users/1 resolves into the protected route → 401', request: () => get('/public/../api/users/1'), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    { name: '/public/%2e%2e/api/users/1 (encoded dots) resolves into the protected route → 401', request: () => get('/public/%2e%2e/api/users/1'), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    { name: '/public/%2E%2E/api/users/1 (upper-case encoding) → 401', request: () => get('/public/%2E%2E/api/users/1'), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    { name: '/public/..%2fapi%2fusers%2f1 (encoded slashes) stays one opaque segment of the open route: users has no such path → 404', request: () => get('/public/..%2fapi%2fusers%2f1'), status: 404, code: 'NOT_FOUND' },
    { name: '/public/..;/api/users/1 (Tomcat-style) stays inside the open route → 404', request: () => get('/public/..;/api/users/1'), status: 404, code: 'NOT_FOUND' },
    { name: '/API/users/1 (case) → 404 MESHWAY_NO_ROUTE, never the protected service', request: () => get('/API/users/1'), status: 404, code: 'MESHWAY_NO_ROUTE' },
    { name: '/api/users (the bare path users announces) is protected by the services block → 401', request: () => get('/api/users'), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    // API keys.
    { name: 'control: the API key → 200 from users', request: () => get('/keyed/users/1', [['x-api-key', API_KEY]]), status: 200, code: '' },
    { name: 'a key sharing all but its last character with the real one → 401, the same answer as any wrong key', request: () => get('/keyed/users/1', [['x-api-key', `${API_KEY.slice(0, -1)}x`]]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: (r) => { expect(JSON.parse(r.body)).toMatchObject({ error: { message: 'Unauthenticated: invalid API key.' } }); } },
    { name: 'the real key as a prefix of a longer one → 401', request: () => get('/keyed/users/1', [['x-api-key', `${API_KEY}0`]]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: (r) => { expect(JSON.parse(r.body)).toMatchObject({ error: { message: 'Unauthenticated: invalid API key.' } }); } },
    { name: 'the key hash from the config sent as the key → 401', request: () => get('/keyed/users/1', [['x-api-key', sha256(API_KEY)]]), status: 401, code: 'MESHWAY_UNAUTHENTICATED' },
    { name: 'a Bearer token on an API-key route → 401 with the ApiKey challenge', request: () => get('/keyed/users/1', [bearer(valid)]), status: 401, code: 'MESHWAY_UNAUTHENTICATED', check: (r) => { expect(r.headers['www-authenticate']).toBe('ApiKey realm="meshway", header="x-api-key"'); } },
  ];

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    valid = await issuer.sign('alice', 'users:read');
    dir = mkdtempSync(join(tmpdir(), 'meshway-auth-security-'));
    const routesFile = join(dir, 'routes.json');
    writeFileSync(
      routesFile,
      JSON.stringify({
        auth: { jwt: [issuer.auth()], apiKeys: [{ consumer: 'batch-jobs', keys: [sha256(API_KEY)], scopes: ['users:read'] }] },
        // users announces `/api/users` and `/api/users/*` itself: the services block decides who may call them.
        services: { users: { auth: 'jwt', scopes: ['users:read'] } },
        routes: [
          { path: '/api/users/*', service: 'users', stripPrefix: '/api', auth: 'jwt', scopes: ['users:read'] },
          { path: '/keyed/users/*', service: 'users', stripPrefix: '/keyed', auth: 'apiKey' },
          { path: '/public/*', service: 'users', stripPrefix: '/public' },
          { path: '/limited/*', service: 'users', stripPrefix: '/limited', rateLimit: { points: 3, durationSec: 60, by: 'ip' } },
        ],
      }),
    );
    platform = await Platform.start({ services: { users: 1 }, env: { GATEWAY_ROUTES_FILE: routesFile, GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN } });
    await waitFor(async () => (await fetch(`${platform.gatewayUrl}/api/users/1`, { headers: { authorization: `Bearer ${valid}` } })).status === 200, { timeoutMs: 30_000, message: 'the protected users route' });
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await issuer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(rows)('$name', async (row) => {
    const reply = await rawExchange(platform.gatewayUrl, await row.request());
    expect(reply.status, `status (body: ${reply.body.slice(0, 300)})`).toBe(row.status);
    if (row.code !== '') expect(JSON.parse(reply.body)).toEqual({ error: expect.objectContaining({ code: row.code, message: expect.any(String), requestId: reply.headers['x-request-id'] }) });
    row.check?.(reply);
  });

  it('does not let a spoofed X-Forwarded-For buy a fresh rate-limit budget (the gateway trusts no proxy by default)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await rawExchange(platform.gatewayUrl, get('/limited/users/1', [['x-forwarded-for', `198.51.100.${String(i)}`]]));
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'MESHWAY_RATE_LIMITED' } });
        expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
  });

  it('keeps the admin API closed without the admin token: everything but /health answers 401', async () => {
    expect((await fetch(`${platform.adminUrl}/health`)).status).toBe(200);
    for (const [method, path] of [['GET', '/routes'], ['GET', '/config'], ['GET', '/metrics'], ['PUT', '/config/routes/x'], ['DELETE', '/config/routes/x'], ['PUT', '/releases/users']] as const) {
      const res = await fetch(`${platform.adminUrl}${path}`, { method, ...(method === 'PUT' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MESHWAY_UNAUTHENTICATED');
    }
    expect((await fetch(`${platform.adminUrl}/routes`, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } })).status).toBe(401);
    expect((await fetch(`${platform.adminUrl}/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
  });
});
