import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@meshway/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimsAt, makeKey, rawToken, sign, signHmac, type TestKey } from './fixtures/jwt.fixture.js';
import { JwksServer } from './fixtures/jwks.server.fixture.js';
import { makeVerifier } from './fixtures/verifier.fixture.js';
import type { JwtVerifier, VerifyResult } from './jwt.verifier.js';

const ISSUER = 'https://issuer.example';
const SECRET = 'an-hmac-secret-of-at-least-32-bytes!!';

let rsa: TestKey;
let stranger: TestKey;
let jwks: JwksServer;
let clock: FakeClock;
let verifier: JwtVerifier;

const rsaIssuer = () => ({ issuer: ISSUER, audiences: ['meshway'], algorithms: ['RS256' as const], jwksUrl: jwks.url });

function sync(result: VerifyResult | Promise<VerifyResult>): VerifyResult {
  expect(result).not.toBeInstanceOf(Promise);
  return result as VerifyResult;
}

async function refused(token: string): Promise<{ reason: string; message: string }> {
  const result = await verifier.verify(token);
  if (result.ok) throw new Error('expected a refusal');
  return { reason: result.reason, message: result.message };
}

beforeAll(async () => {
  [rsa, stranger] = await Promise.all([makeKey('RS256', 'k1'), makeKey('RS256', 'k1')]);
  jwks = await JwksServer.start([rsa.publicJwk]);
});

afterAll(async () => {
  await jwks.close();
});

beforeEach(() => {
  clock = new FakeClock();
  jwks.serve();
  jwks.keys = [rsa.publicJwk];
  jwks.requests = 0;
  jwks.paths.length = 0;
  verifier = makeVerifier({ jwt: [rsaIssuer()] }, clock).verifier;
});

describe('a valid token', () => {
  it('is granted with its consumer, scopes and claims; the next time synchronously from the cache', async () => {
    const token = await sign(rsa, claimsAt(clock.now()));
    const first = verifier.verify(token);
    expect(first).toBeInstanceOf(Promise);
    const granted = await first;
    expect(granted.ok && granted.identity).toMatchObject({ consumer: 'alice', method: 'jwt', claims: { iss: ISSUER } });
    expect(granted.ok && [...(granted.identity?.scopes ?? [])]).toEqual(['orders:read', 'orders:write']);
    expect(sync(verifier.verify(token))).toBe(granted);
  });

  it('accepts an aud list that contains the audience', async () => {
    const token = await sign(rsa, claimsAt(clock.now(), { aud: ['billing', 'meshway'] }));
    expect((await verifier.verify(token)).ok).toBe(true);
  });

  it('is verified once when asked for twice at the same time', async () => {
    const token = await sign(rsa, claimsAt(clock.now()));
    const [a, b] = [verifier.verify(token), verifier.verify(token)];
    expect(a).toBe(b);
    expect((await a).ok).toBe(true);
  });
});

describe('attacks and bad tokens', () => {
  it.each([
    ['alg none, no signature', { alg: 'none' }, '', 'malformed_token', 'the token is not signed'],
    ['alg None, no signature', { alg: 'None' }, '', 'malformed_token', 'the token is not signed'],
    ['alg none with a made-up signature', { alg: 'none' }, 'c2ln', 'algorithm_not_allowed', "the token's algorithm is not accepted"],
    ['alg None with a made-up signature', { alg: 'None', kid: 'k1' }, 'c2ln', 'algorithm_not_allowed', "the token's algorithm is not accepted"],
    ['no alg at all', { kid: 'k1' }, 'c2ln', 'algorithm_not_allowed', "the token's algorithm is not accepted"],
  ])('refuses %s before any key is looked up', (_name, header, signature, reason, message) => {
    expect(sync(verifier.verify(rawToken(header, claimsAt(clock.now()), signature)))).toEqual({ ok: false, reason, message });
    expect(jwks.requests).toBe(0);
  });

  it('refuses the RS256 public key used as an HS256 secret (key confusion)', async () => {
    for (const secret of [rsa.publicPem, JSON.stringify(rsa.publicJwk), String(rsa.publicJwk.n)]) {
      const forged = await signHmac(new TextEncoder().encode(secret), claimsAt(clock.now()), 'HS256', { kid: 'k1' });
      expect(sync(verifier.verify(forged))).toMatchObject({ ok: false, reason: 'algorithm_not_allowed' });
    }
  });

  it('refuses an expired token, and accepts one within the clock tolerance without caching it', async () => {
    const now = Math.floor(clock.now() / 1000);
    expect(await refused(await sign(rsa, claimsAt(clock.now(), { exp: now - 31 })))).toEqual({ reason: 'expired', message: 'the token has expired' });
    const lenient = await sign(rsa, claimsAt(clock.now(), { exp: now - 10 }));
    expect((await verifier.verify(lenient)).ok).toBe(true);
    expect(verifier.cacheSize).toBe(0);
  });

  it('refuses a token whose nbf is in the future (beyond the tolerance)', async () => {
    const now = Math.floor(clock.now() / 1000);
    expect(await refused(await sign(rsa, claimsAt(clock.now(), { nbf: now + 60 })))).toEqual({ reason: 'not_yet_valid', message: 'the token is not valid yet (nbf)' });
    expect((await verifier.verify(await sign(rsa, claimsAt(clock.now(), { nbf: now + 20 })))).ok).toBe(true);
  });

  it('refuses a token of an issuer not configured (wrong iss), before any key is looked up', async () => {
    const token = await sign(rsa, claimsAt(clock.now(), { iss: 'https://evil.example' }));
    expect(sync(verifier.verify(token))).toEqual({ ok: false, reason: 'unknown_issuer', message: "the token's issuer is not trusted" });
    expect(sync(verifier.verify(await sign(rsa, { ...claimsAt(clock.now()), iss: undefined })))).toMatchObject({ reason: 'unknown_issuer' });
  });

  it('refuses a token for another audience', async () => {
    expect(await refused(await sign(rsa, claimsAt(clock.now(), { aud: 'billing' })))).toEqual({ reason: 'invalid_claims', message: 'the token is not meant for this audience' });
    expect(await refused(await sign(rsa, { ...claimsAt(clock.now()), aud: undefined }))).toMatchObject({ reason: 'invalid_claims' });
  });

  it('refuses a token without exp', async () => {
    const token = await sign(rsa, { ...claimsAt(clock.now()), exp: undefined });
    expect(await refused(token)).toEqual({ reason: 'invalid_claims', message: 'the token has no valid expiry (exp)' });
  });

  it('refuses a tampered payload, a tampered signature and a stripped signature', async () => {
    const token = await sign(rsa, claimsAt(clock.now()));
    const [header, , signature] = token.split('.') as [string, string, string];
    const admin = Buffer.from(JSON.stringify(claimsAt(clock.now(), { sub: 'admin', scope: 'admin' }))).toString('base64url');
    expect(await refused(`${header}.${admin}.${signature}`)).toEqual({ reason: 'invalid_signature', message: "the token's signature is invalid" });
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await refused(`${token.split('.').slice(0, 2).join('.')}.${flipped}`)).toMatchObject({ reason: 'invalid_signature' });
    expect(sync(verifier.verify(`${header}.${admin}.`))).toMatchObject({ reason: 'malformed_token', message: 'the token is not signed' });
  });

  it('refuses a token signed by another key that claims the same kid', async () => {
    expect(await refused(await sign(stranger, claimsAt(clock.now())))).toMatchObject({ reason: 'invalid_signature' });
  });

  it('refuses a 100 KB token by its length, before parsing anything', () => {
    const huge = `${'e'.repeat(50_000)}.${'e'.repeat(50_000)}.sig`;
    expect(sync(verifier.verify(huge))).toEqual({ ok: false, reason: 'token_too_large', message: 'the token is larger than 8192 bytes' });
    expect(jwks.requests).toBe(0);
  });

  it.each([
    ['not three parts', 'abc.def'],
    ['garbage base64', '!!!.???.sig'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
  ])('refuses a malformed token (%s)', (_name, token) => {
    expect(sync(verifier.verify(token))).toMatchObject({ ok: false, reason: 'malformed_token' });
  });

  it('refuses a token naming no consumer', async () => {
    expect(await refused(await sign(rsa, { ...claimsAt(clock.now()), sub: undefined }))).toMatchObject({ reason: 'no_consumer' });
    expect(await refused(await sign(rsa, claimsAt(clock.now(), { sub: 'line\nbreak' })))).toMatchObject({ reason: 'no_consumer' });
  });

  it('treats a kid with path or SQL characters as just an unknown key', async () => {
    for (const kid of ['../../../etc/passwd', "' OR 1=1 --", 'k1"; DROP TABLE keys; --', '%2e%2e%2f', 'a\r\nx-evil: 1']) {
      const token = await sign(stranger, claimsAt(clock.now()), { kid });
      const result = await refused(token);
      expect(result).toEqual({ reason: 'unknown_key', message: "the token's signing key is not known" });
    }
    expect(new Set(jwks.paths)).toEqual(new Set(['/jwks.json']));
  });

  it('refuses an oversized kid without a lookup', async () => {
    const token = await sign(stranger, claimsAt(clock.now()), { kid: 'k'.repeat(300) });
    expect(sync(verifier.verify(token))).toMatchObject({ reason: 'malformed_token' });
  });

  it('caches no refusal: sprayed bad tokens leave the cache empty and are checked each time', async () => {
    const token = await sign(rsa, claimsAt(clock.now()));
    const bad = `${token.slice(0, -4)}AAAA`;
    for (let i = 0; i < 3; i++) expect(verifier.verify(bad)).toBeInstanceOf(Promise);
    await verifier.verify(bad);
    expect(verifier.cacheSize).toBe(0);
  });
});

describe('keys from a PEM file or an environment secret', () => {
  let dir: string;
  let keys: Record<string, TestKey>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshway-auth-'));
    const algs = ['RS384', 'PS256', 'ES256', 'ES512', 'EdDSA'];
    keys = Object.fromEntries(await Promise.all(algs.map(async (alg) => [alg, await makeKey(alg, 'pem')] as const)));
    for (const alg of algs) writeFileSync(join(dir, `${alg}.pem`), keys[alg]?.publicPem ?? '');
  });

  it.each(['RS384', 'PS256', 'ES256', 'ES512', 'EdDSA'] as const)('verifies %s with the public key of a PEM file', async (alg) => {
    const key = keys[alg] as TestKey;
    const { verifier: pem } = makeVerifier({ jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: [alg], publicKeyFile: `${alg}.pem` }] }, clock, {}, dir);
    expect((await pem.verify(await sign(key, claimsAt(clock.now())))).ok).toBe(true);
    // The PEM's own public key as an HMAC secret: refused by the allow-list.
    const forged = await signHmac(new TextEncoder().encode(key.publicPem), claimsAt(clock.now()));
    expect(sync(pem.verify(forged))).toMatchObject({ reason: 'algorithm_not_allowed' });
  });

  it.each(['HS256', 'HS384', 'HS512'] as const)('verifies %s with the secret of an environment variable', async (alg) => {
    const secret = SECRET.repeat(2);
    const { verifier: hs } = makeVerifier({ jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: [alg], secretEnv: 'MY_HS_SECRET' }] }, clock, { MY_HS_SECRET: secret });
    expect((await hs.verify(await signHmac(new TextEncoder().encode(secret), claimsAt(clock.now()), alg))).ok).toBe(true);
    expect(await hs.verify(await signHmac(new TextEncoder().encode(`${secret}x`), claimsAt(clock.now()), alg))).toMatchObject({ reason: 'invalid_signature' });
    expect(sync(hs.verify(await sign(rsa, claimsAt(clock.now()))))).toMatchObject({ reason: 'algorithm_not_allowed' });
  });

  it.each([
    [{ publicKeyFile: 'missing.pem', algorithms: ['RS256'] }, {}, 'auth.jwt[0].publicKeyFile: cannot read "missing.pem"'],
    [{ publicKeyFile: 'ES256.pem', algorithms: ['RS256'] }, {}, 'auth.jwt[0].publicKeyFile: RS256 needs an RSA key, the file holds ec'],
    [{ publicKeyFile: 'ES256.pem', algorithms: ['ES384'] }, {}, 'auth.jwt[0].publicKeyFile: ES384 needs an EC secp384r1 key'],
    [{ secretEnv: 'MY_HS_SECRET', algorithms: ['HS256'] }, {}, 'auth.jwt[0].secretEnv: environment variable MY_HS_SECRET is not set'],
    [{ secretEnv: 'MY_HS_SECRET', algorithms: ['HS512'] }, { MY_HS_SECRET: SECRET }, 'auth.jwt[0].secretEnv: environment variable MY_HS_SECRET holds 37 bytes; HS512 needs at least 64'],
  ])('fails at boot naming the field for %j', (source, env, message) => {
    expect(() => makeVerifier({ jwt: [{ issuer: ISSUER, audiences: ['meshway'], ...source } as never] }, clock, env, dir)).toThrow(message);
  });

  it('refuses a private key file', async () => {
    const { privateKey } = await makeKey('RS256', 'x');
    const { exportPKCS8 } = await import('jose');
    writeFileSync(join(dir, 'private.pem'), await exportPKCS8(privateKey));
    expect(() => makeVerifier({ jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: ['RS256'], publicKeyFile: 'private.pem' }] }, clock, {}, dir)).toThrow('holds a private key');
  });
});

describe('tokens without exp (allowNoExpiry)', () => {
  it('are accepted and served from the cache for at most cache.maxAgeSec', async () => {
    const { verifier: lax } = makeVerifier({ jwt: [{ ...rsaIssuer(), allowNoExpiry: true }], cache: { maxAgeSec: 60 } }, clock);
    const token = await sign(rsa, { ...claimsAt(clock.now()), exp: undefined });
    expect((await lax.verify(token)).ok).toBe(true);
    expect(sync(lax.verify(token)).ok).toBe(true);
    await clock.advance(60_000);
    expect(lax.verify(token)).toBeInstanceOf(Promise);
  });
});

describe('the cache and exp', () => {
  it('stops serving a token at its exp; then it is refused as expired once past the tolerance', async () => {
    const now = Math.floor(clock.now() / 1000);
    const token = await sign(rsa, claimsAt(clock.now(), { exp: now + 120 }));
    expect((await verifier.verify(token)).ok).toBe(true);
    await clock.advance(119_000);
    expect(sync(verifier.verify(token)).ok).toBe(true);
    await clock.advance(1_000);
    const atExp = verifier.verify(token); // at exp: verified again (still within the tolerance), not cached again
    expect(atExp).toBeInstanceOf(Promise);
    expect((await atExp).ok).toBe(true);
    expect(verifier.cacheSize).toBe(0);
    await clock.advance(31_000);
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
  });
});
