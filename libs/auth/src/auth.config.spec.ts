import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { hashApiKey } from './api-key.store.js';
import { authConfigSchema, parseAuthConfig } from './auth.config.js';
import { AUTH_DEFAULTS } from './auth.defaults.js';
import { AuthErrorCode } from './auth.errors.js';

const KEY_HASH = hashApiKey('k-1');

const CONTRACT = `
auth:
  jwt:
    - issuer: https://issuer.example
      audiences: [meshway]
      algorithms: [RS256]
      jwksUrl: http://127.0.0.1:9000/jwks.json
      clockToleranceSec: 30
  apiKeys:
    - consumer: batch-jobs
      keys: ["${KEY_HASH}"]
      scopes: [orders:write]
`;

const issuer = { issuer: 'https://issuer.example', audiences: ['meshway'], algorithms: ['RS256'], jwksUrl: 'http://127.0.0.1:9000/jwks.json' };

function problems(value: unknown): string {
  try {
    parseAuthConfig(value);
  } catch (error) {
    expect(error).toMatchObject({ code: AuthErrorCode.InvalidConfig });
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('the auth config block', () => {
  it('accepts the routes-file contract as written, filling every default', () => {
    const { auth } = parse(CONTRACT) as { auth: unknown };
    const config = parseAuthConfig(auth);
    expect(config.jwt[0]).toEqual({
      ...issuer,
      clockToleranceSec: 30,
      allowNoExpiry: false,
      maxTokenBytes: AUTH_DEFAULTS.maxTokenBytes,
      consumerClaim: 'sub',
      jwksTimeoutMs: AUTH_DEFAULTS.jwksTimeoutMs,
      jwksCooldownSec: 30,
      jwksMaxAgeSec: AUTH_DEFAULTS.jwksMaxAgeSec,
    });
    expect(config.apiKeys).toEqual([{ consumer: 'batch-jobs', keys: [KEY_HASH], scopes: ['orders:write'] }]);
    expect(config.apiKeyHeader).toBe('x-api-key');
    expect(config.cache).toEqual({ maxEntries: AUTH_DEFAULTS.cacheMaxEntries, maxAgeSec: AUTH_DEFAULTS.cacheMaxAgeSec });
  });

  it('accepts publicKeyFile and secretEnv as the key source', () => {
    expect(parseAuthConfig({ jwt: [{ ...issuer, jwksUrl: undefined, publicKeyFile: 'keys/issuer.pem' }] }).jwt[0]?.publicKeyFile).toBe('keys/issuer.pem');
    expect(parseAuthConfig({ jwt: [{ ...issuer, jwksUrl: undefined, algorithms: ['HS256'], secretEnv: 'MY_HS_SECRET' }] }).jwt[0]?.secretEnv).toBe('MY_HS_SECRET');
  });

  it('is empty (no issuers, no keys) when left out', () => {
    expect(parseAuthConfig(undefined)).toMatchObject({ jwt: [], apiKeys: [] });
  });

  it.each([
    [{ jwt: [{ ...issuer, algorithms: [] }] }, 'auth.jwt[0].algorithms: expected at least one algorithm'],
    [{ jwt: [{ ...issuer, algorithms: undefined }] }, 'auth.jwt[0].algorithms: expected a list of algorithms, got nothing'],
    [{ jwt: [{ ...issuer, algorithms: ['none'] }] }, 'auth.jwt[0].algorithms[0]: expected one of HS256'],
    [{ jwt: [{ ...issuer, algorithms: ['RS256', 'None'] }] }, 'auth.jwt[0].algorithms[1]: expected one of'],
    [{ jwt: [{ ...issuer, algorithms: ['RS256', 'HS256'] }] }, 'auth.jwt[0].algorithms: HS256 needs a shared secret (secretEnv); jwksUrl gives public keys'],
    [{ jwt: [{ ...issuer, jwksUrl: undefined, secretEnv: 'S', algorithms: ['RS256'] }] }, 'auth.jwt[0].algorithms: RS256 needs a public key'],
    [{ jwt: [{ ...issuer, jwksUrl: undefined }] }, 'auth.jwt[0]: expected exactly one key source of jwksUrl, publicKeyFile, secretEnv, got none'],
    [{ jwt: [{ ...issuer, publicKeyFile: 'k.pem' }] }, 'auth.jwt[0]: expected exactly one key source of jwksUrl, publicKeyFile, secretEnv, got jwksUrl and publicKeyFile'],
    [{ jwt: [{ ...issuer, jwksUrl: 'file:///etc/passwd' }] }, 'auth.jwt[0].jwksUrl: expected an http(s) URL'],
    [{ jwt: [{ ...issuer, audiences: [] }] }, 'auth.jwt[0].audiences: expected at least one audience'],
    [{ jwt: [{ ...issuer, issuer: '' }] }, 'auth.jwt[0].issuer: expected the issuer'],
    [{ jwt: [{ ...issuer, clockToleranceSec: -1 }] }, 'auth.jwt[0].clockToleranceSec: expected whole seconds from 0 to 300, got -1'],
    [{ jwt: [{ ...issuer, maxTokenBytes: 100 }] }, 'auth.jwt[0].maxTokenBytes: expected a size in bytes from 256 to 65536, got 100'],
    [{ jwt: [{ ...issuer, secretEnv: 'BAD NAME', jwksUrl: undefined, algorithms: ['HS256'] }] }, 'auth.jwt[0].secretEnv: expected the name of an environment variable, got "BAD NAME"'],
    [{ jwt: [{ ...issuer, audience: 'meshway' }] }, 'auth.jwt[0]: unknown field "audience"; known: issuer, audiences'],
    [{ jwt: [issuer, issuer] }, 'auth.jwt[1].issuer: issuer "https://issuer.example" is listed twice'],
    [{ apiKeys: [{ consumer: 'a b', keys: [KEY_HASH] }] }, 'auth.apiKeys[0].consumer: expected a consumer name'],
    [{ apiKeys: [{ consumer: 'a', keys: [] }] }, 'auth.apiKeys[0].keys: expected at least one key hash'],
    [{ apiKeys: [{ consumer: 'a', keys: [KEY_HASH], scopes: ['a"b'] }] }, 'auth.apiKeys[0].scopes[0]: expected a scope'],
    [{ apiKeys: [{ consumer: 'a', keys: [KEY_HASH] }, { consumer: 'b', keys: [KEY_HASH] }] }, 'auth.apiKeys[1].keys[0]: this key hash is listed twice'],
    [{ apiKeys: [{ consumer: 'a', keys: [KEY_HASH] }, { consumer: 'a', keys: [hashApiKey('k-2')] }] }, 'auth.apiKeys[1].consumer: consumer "a" is listed twice'],
    [{ apiKeyHeader: 'authorization' }, 'auth.apiKeyHeader: expected a header name other than authorization and x-meshway-*'],
    [{ cache: { maxEntries: 0 } }, 'auth.cache.maxEntries: expected a number of tokens from 1 to 1000000, got 0'],
    [{ jwts: [] }, 'auth: unknown field "jwts"; known: jwt, apiKeys, apiKeyHeader, cache'],
  ])('refuses %j naming the field', (value, message) => {
    expect(problems(value)).toContain(message);
  });

  it('never repeats a plain key put where its hash belongs', () => {
    const message = problems({ apiKeys: [{ consumer: 'a', keys: ['super-secret-key-123'] }] });
    expect(message).toContain('auth.apiKeys[0].keys[0]: expected "sha256:<64 hex digits>"');
    expect(message).not.toContain('super-secret-key-123');
  });

  it('normalises key hashes and the header name to lower case', () => {
    const config = parseAuthConfig({ apiKeyHeader: 'X-Api-Token', apiKeys: [{ consumer: 'a', keys: [KEY_HASH.toUpperCase().replace('SHA256', 'sha256')] }] });
    expect(config.apiKeyHeader).toBe('x-api-token');
    expect(config.apiKeys[0]?.keys[0]).toBe(KEY_HASH);
  });

  it('embeds in a larger schema with paths relative to it', () => {
    const routesFile = z.object({ auth: authConfigSchema.optional() });
    const result = routesFile.safeParse({ auth: { jwt: [{ ...issuer, algorithms: ['none'] }] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['auth', 'jwt', 0, 'algorithms', 0]);
  });
});
