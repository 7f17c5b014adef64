import { FakeClock } from '@meshway/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from './api-key.store.js';
import type { AuthResult } from './auth.result.js';
import { requireScopes } from './auth.result.js';
import { Authenticator, type AuthOutcome } from './authenticator.js';
import { claimsAt, makeKey, sign, type TestKey } from './fixtures/jwt.fixture.js';
import { JwksServer } from './fixtures/jwks.server.fixture.js';
import { makeIdentity } from './identity.js';

const ISSUER = 'https://issuer.example';
let key: TestKey;
let jwks: JwksServer;
let clock: FakeClock;
let auth: Authenticator;
let token: string;

beforeAll(async () => {
  key = await makeKey('RS256', 'k1');
  jwks = await JwksServer.start([key.publicJwk]);
});

afterAll(async () => {
  await jwks.close();
});

beforeEach(async () => {
  clock = new FakeClock();
  auth = new Authenticator(
    {
      jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: ['RS256'], jwksUrl: jwks.url }],
      apiKeys: [{ consumer: 'batch-jobs', keys: [hashApiKey('old-key'), hashApiKey('new-key')], scopes: ['orders:write'] }],
    },
    { clock },
  );
  token = await sign(key, claimsAt(clock.now(), { scope: 'orders:read' }));
});

function sync(outcome: AuthOutcome): AuthResult {
  expect(outcome).not.toBeInstanceOf(Promise);
  return outcome as AuthResult;
}

const BEARER = 'Bearer realm="meshway"';
const API_KEY = 'ApiKey realm="meshway", header="x-api-key"';

describe('Authenticator, route mode jwt', () => {
  const jwt = () => auth.forRoute({ mode: 'jwt' });

  it('verifies a Bearer token (a Promise the first time, synchronous from the cache after)', async () => {
    const first = jwt()({ authorization: `Bearer ${token}` });
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ ok: true, identity: { consumer: 'alice', method: 'jwt' } });
    expect(sync(jwt()({ authorization: `bearer ${token}` }))).toMatchObject({ ok: true, identity: { consumer: 'alice' } });
  });

  it('answers a request without credentials synchronously, with a challenge but no error code (RFC 6750 §3.1)', () => {
    expect(sync(jwt()({}))).toEqual({
      ok: false,
      code: 'MESHWAY_UNAUTHENTICATED',
      status: 401,
      reason: 'missing_credential',
      message: 'no credential; send Authorization: Bearer <token>',
      wwwAuthenticate: BEARER,
    });
  });

  it.each([
    ['an empty Authorization', '', 'malformed_request', 'invalid_request'],
    ['two Authorization headers', [`Bearer ${'a'.repeat(40)}`, `Bearer ${'b'.repeat(40)}`], 'malformed_request', 'invalid_request'],
    ['Bearer without a token', 'Bearer', 'malformed_request', 'invalid_request'],
    ['the Basic scheme', 'Basic YWxpY2U6c2VjcmV0', 'unsupported_scheme', 'invalid_request'],
    ['a malformed header', 'Bearer a b c', 'malformed_request', 'invalid_request'],
    ['folded duplicates', `Bearer ${'a'.repeat(40)}, Bearer ${'b'.repeat(40)}`, 'malformed_request', 'invalid_request'],
    ['a token with a quote', 'Bearer a"b.c.d', 'malformed_request', 'invalid_request'],
    ['a token that is not a JWT', 'Bearer not-a-jwt', 'malformed_token', 'invalid_token'],
    ['a 100 KB token', `Bearer ${'a'.repeat(100_000)}`, 'token_too_large', 'invalid_token'],
  ])('refuses %s synchronously (401, error=%s)', (_name, authorization, reason, error) => {
    const result = sync(jwt()({ authorization }));
    expect(result).toMatchObject({ ok: false, status: 401, code: 'MESHWAY_UNAUTHENTICATED', reason });
    expect(!result.ok && result.wwwAuthenticate).toBe(`${BEARER}, error="${error}", error_description="${!result.ok ? result.message : ''}"`);
  });

  it('refuses a bad token with 401 invalid_token, never a 5xx and never a throw', async () => {
    const bad = `${token.slice(0, -4)}AAAA`;
    const result = await jwt()({ authorization: `Bearer ${bad}` });
    expect(result).toMatchObject({ ok: false, status: 401, reason: 'invalid_signature' });
    expect(!result.ok && result.wwwAuthenticate).toBe(`${BEARER}, error="invalid_token", error_description="the token's signature is invalid"`);
  });

  it('ignores an API key on a jwt route', () => {
    expect(sync(jwt()({ apiKey: 'new-key' }))).toMatchObject({ ok: false, reason: 'missing_credential' });
  });
});

describe('Authenticator, route mode apiKey', () => {
  const apiKey = () => auth.forRoute({ mode: 'apiKey' });

  it('knows every active key of a consumer, synchronously', () => {
    expect(sync(apiKey()({ apiKey: 'old-key' }))).toMatchObject({ ok: true, identity: { consumer: 'batch-jobs', method: 'apiKey' } });
    expect(sync(apiKey()({ apiKey: 'new-key' }))).toMatchObject({ ok: true, identity: { consumer: 'batch-jobs' } });
  });

  it.each([
    ['no key', undefined, 'missing_credential'],
    ['a wrong key', 'wrong-key', 'invalid_api_key'],
    ['an empty key', '', 'malformed_request'],
    ['two keys', ['old-key', 'new-key'], 'malformed_request'],
  ])('refuses %s synchronously with an ApiKey challenge', (_name, key, reason) => {
    const result = sync(apiKey()({ apiKey: key }));
    expect(result).toMatchObject({ ok: false, status: 401, reason, wwwAuthenticate: API_KEY });
  });

  it('ignores a Bearer token on an apiKey route', () => {
    expect(sync(apiKey()({ authorization: `Bearer ${token}` }))).toMatchObject({ ok: false, reason: 'missing_credential' });
  });
});

describe('Authenticator, route mode any', () => {
  const any = () => auth.forRoute({ mode: 'any' });

  it('takes either credential', async () => {
    expect(sync(any()({ apiKey: 'new-key' }))).toMatchObject({ ok: true, identity: { method: 'apiKey' } });
    expect(await any()({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true, identity: { method: 'jwt' } });
  });

  it('challenges for both when neither is sent', () => {
    expect(sync(any()({}))).toMatchObject({ reason: 'missing_credential', wwwAuthenticate: `${BEARER}, ${API_KEY}` });
  });

  it('refuses both at once (RFC 6750: one method per request)', () => {
    expect(sync(any()({ authorization: `Bearer ${token}`, apiKey: 'new-key' }))).toMatchObject({ reason: 'ambiguous_credentials', status: 401 });
  });
});

describe('Authenticator, route mode none', () => {
  it('grants anonymously without looking at credentials', () => {
    expect(sync(auth.forRoute({ mode: 'none' })({ authorization: 'garbage' }))).toEqual({ ok: true, identity: undefined });
  });
});

describe('scopes', () => {
  it('requires every scope of the route: 403 naming the missing ones, Bearer insufficient_scope for JWTs', async () => {
    const route = auth.forRoute({ mode: 'any', scopes: ['orders:read', 'orders:write'] });
    const jwtResult = await route({ authorization: `Bearer ${token}` });
    expect(jwtResult).toEqual({
      ok: false,
      code: 'MESHWAY_FORBIDDEN',
      status: 403,
      reason: 'insufficient_scope',
      message: 'missing scope orders:write',
      missingScopes: ['orders:write'],
      wwwAuthenticate: `${BEARER}, error="insufficient_scope", error_description="missing scope orders:write", scope="orders:write"`,
    });
    expect(sync(route({ apiKey: 'new-key' }))).toMatchObject({ status: 403, missingScopes: ['orders:read'], wwwAuthenticate: undefined });
    expect(await auth.forRoute({ mode: 'jwt', scopes: ['orders:read'] })({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true });
  });

  it('checks a refused credential before scopes (401, not 403)', () => {
    expect(sync(auth.forRoute({ mode: 'apiKey', scopes: ['x'] })({ apiKey: 'nope' }))).toMatchObject({ status: 401 });
  });

  it('requireScopes on an identity', () => {
    const identity = makeIdentity('svc', ['a', 'b'], 'apiKey');
    expect(requireScopes(identity, ['a'])).toEqual({ ok: true, identity });
    expect(requireScopes(identity, ['a', 'c', 'd'])).toMatchObject({ ok: false, status: 403, missingScopes: ['c', 'd'], message: 'missing scopes c d' });
  });
});

describe('forRoute', () => {
  it.each([
    [{ mode: 'jtw' }, 'route.auth: expected one of none, jwt, apiKey, any, got "jtw"'],
    [{ mode: 'jwt', scopes: ['a b'] }, 'route.scopes[0]: expected a scope'],
    [{ mode: 'none', scopes: ['a'] }, 'route.scopes: a route with auth none has no caller'],
  ])('refuses %j naming the field', (route, message) => {
    expect(() => auth.forRoute(route as never)).toThrow(message);
  });

  it('refuses a mode nothing is configured for', () => {
    const empty = new Authenticator(undefined, { clock });
    expect(() => empty.forRoute({ mode: 'jwt' }, 'routes[3]')).toThrow('routes[3].auth: jwt needs auth.jwt to list at least one issuer');
    expect(() => empty.forRoute({ mode: 'apiKey' })).toThrow('apiKey needs auth.apiKeys to list at least one consumer');
    expect(empty.forRoute({ mode: 'none' })({})).toEqual({ ok: true, identity: undefined });
  });
});

describe('options', () => {
  it.each([
    [{ clock: {} }, 'Authenticator.clock'],
    [{ logger: console.log }, 'Authenticator.logger'],
    [{ realm: 'a"b' }, 'Authenticator.realm'],
    [{ colck: 1 }, 'Authenticator.colck: got 1; allowed: no such option'],
  ])('refuses %j naming the option', (options, message) => {
    expect(() => new Authenticator(undefined, options as never)).toThrow(message);
  });

  it('puts its realm in every challenge', () => {
    const custom = new Authenticator({ apiKeys: [{ consumer: 'c', keys: [hashApiKey('k')] }], apiKeyHeader: 'X-Key' }, { realm: 'orders' });
    expect(sync(custom.forRoute({ mode: 'apiKey' })({}))).toMatchObject({ wwwAuthenticate: 'ApiKey realm="orders", header="x-key"', message: 'no credential; send the x-key header' });
  });
});
