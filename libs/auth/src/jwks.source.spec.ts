import { FakeClock } from '@meshway/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimsAt, makeKey, sign, type TestKey } from './fixtures/jwt.fixture.js';
import { JwksServer } from './fixtures/jwks.server.fixture.js';
import { makeVerifier, type RecordingLogger } from './fixtures/verifier.fixture.js';
import type { JwtVerifier } from './jwt.verifier.js';

const ISSUER = 'https://issuer.example';
let k1: TestKey;
let k2: TestKey;
let es: TestKey;
let jwks: JwksServer;
let clock: FakeClock;
let verifier: JwtVerifier;
let logger: RecordingLogger;

beforeAll(async () => {
  [k1, k2, es] = await Promise.all([makeKey('RS256', 'k1'), makeKey('RS256', 'k2'), makeKey('ES256', 'e1')]);
  jwks = await JwksServer.start();
});

afterAll(async () => {
  await jwks.close();
});

function build(extra: Record<string, unknown> = {}): void {
  ({ verifier, logger } = makeVerifier({ jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: ['RS256', 'ES256'], jwksUrl: jwks.url, ...extra }] }, clock));
}

beforeEach(() => {
  clock = new FakeClock();
  jwks.serve();
  jwks.keys = [k1.publicJwk];
  jwks.requests = 0;
  build();
});

const reason = async (token: string): Promise<string> => {
  const result = await verifier.verify(token);
  return result.ok ? 'ok' : result.reason;
};

describe('the JWKS of an issuer', () => {
  it('is fetched once, on first use (or warmUp), and kept', async () => {
    await verifier.warmUp();
    expect(jwks.requests).toBe(1);
    for (let i = 0; i < 3; i++) expect(await reason(await sign(k1, claimsAt(clock.now(), { sub: `u${i}` })))).toBe('ok');
    expect(jwks.requests).toBe(1);
  });

  it('is fetched again for an unknown kid at most once per cooldown (30 s), however many such tokens arrive', async () => {
    await verifier.warmUp();
    const unknown = await sign(k2, claimsAt(clock.now()));
    expect(await reason(unknown)).toBe('unknown_key'); // within the cooldown of the first fetch: no fetch
    expect(jwks.requests).toBe(1);
    await clock.advance(30_000);
    expect(await reason(unknown)).toBe('unknown_key'); // one refetch, still unknown
    expect(jwks.requests).toBe(2);
    const spray = await Promise.all(Array.from({ length: 50 }, (_, i) => sign(k2, claimsAt(clock.now()), { kid: `random-${i}` })));
    expect(await Promise.all(spray.map(reason))).toEqual(spray.map(() => 'unknown_key'));
    expect(jwks.requests).toBe(2);
    jwks.keys = [k1.publicJwk, k2.publicJwk]; // the issuer rotates in k2
    await clock.advance(29_000);
    expect(await reason(unknown)).toBe('unknown_key');
    await clock.advance(1_000);
    expect(await reason(unknown)).toBe('ok');
    expect(jwks.requests).toBe(3);
  });

  it('shares one fetch between tokens arriving together', async () => {
    const tokens = await Promise.all([1, 2, 3].map((i) => sign(k1, claimsAt(clock.now(), { sub: `u${i}` }))));
    expect(await Promise.all(tokens.map(reason))).toEqual(['ok', 'ok', 'ok']);
    expect(jwks.requests).toBe(1);
  });

  it('unreachable: refuses unknown kids with 401 key_unavailable, logs one warning, and keeps the keys it had', async () => {
    await verifier.warmUp();
    jwks.fail();
    await clock.advance(30_000);
    expect(await reason(await sign(k2, claimsAt(clock.now())))).toBe('key_unavailable');
    expect(await reason(await sign(k1, claimsAt(clock.now())))).toBe('ok');
    await clock.advance(30_000);
    expect(await reason(await sign(k2, claimsAt(clock.now(), { sub: 'b' })))).toBe('key_unavailable');
    expect(logger.warnings).toBe(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', obj: { jwksUrl: jwks.url, error: 'expected 200 OK, got 500', keptKeys: true } });
    jwks.serve();
    jwks.keys = [k1.publicJwk, k2.publicJwk];
    await clock.advance(30_000);
    expect(await reason(await sign(k2, claimsAt(clock.now(), { sub: 'c' })))).toBe('ok');
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', msg: 'JWKS fetched again' });
  });

  it('unreachable at the first token: refuses it (key_unavailable) without waiting again within the cooldown', async () => {
    jwks.fail();
    const token = await sign(k1, claimsAt(clock.now()));
    expect(await reason(token)).toBe('key_unavailable');
    expect(await reason(token)).toBe('key_unavailable');
    expect(jwks.requests).toBe(1);
    jwks.serve();
    await clock.advance(30_000);
    expect(await reason(token)).toBe('ok');
  });

  it('hung: gives up after jwksTimeoutMs and refuses the token (never hangs)', async () => {
    build({ jwksTimeoutMs: 500 });
    jwks.hang();
    const pending = verifier.verify(await sign(k1, claimsAt(clock.now())));
    await clock.advance(500);
    expect(await pending).toMatchObject({ ok: false, reason: 'key_unavailable' });
    expect(logger.lines[0]).toMatchObject({ obj: { error: 'no answer within 500 ms', keptKeys: false } });
  });

  it('is refreshed in the background once older than jwksMaxAgeSec, so a removed key stops verifying', async () => {
    build({ jwksMaxAgeSec: 600, jwksCooldownSec: 30 });
    const before = await sign(k1, claimsAt(clock.now(), { sub: 'cached' }));
    expect(await reason(before)).toBe('ok');
    jwks.keys = [k2.publicJwk]; // k1 is revoked
    await clock.advance(600_000);
    // The first use after max age still verifies with the set it has, and starts a refresh; afterwards k1 is gone.
    expect(await reason(await sign(k1, claimsAt(clock.now(), { sub: 'a' })))).toBe('ok');
    await verifier.warmUp();
    expect(jwks.requests).toBe(2);
    expect(await reason(await sign(k1, claimsAt(clock.now(), { sub: 'b' })))).toBe('unknown_key');
    expect(await reason(await sign(k2, claimsAt(clock.now(), { sub: 'b' })))).toBe('ok');
  });

  it('forgets cached tokens when a refreshed set lost a key, so a revoked key ends with its tokens', async () => {
    ({ verifier, logger } = makeVerifier(
      { jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: ['RS256'], jwksUrl: jwks.url, jwksMaxAgeSec: 60 }], cache: { maxAgeSec: 3600 } },
      clock,
    ));
    jwks.keys = [k1.publicJwk, k2.publicJwk];
    const [old, current] = await Promise.all([sign(k1, claimsAt(clock.now())), sign(k2, claimsAt(clock.now()))]);
    expect([await reason(old), await reason(current)]).toEqual(['ok', 'ok']);
    expect(verifier.cacheSize).toBe(2);
    jwks.keys = [k2.publicJwk, es.publicJwk]; // k1 revoked, e1 added
    await clock.advance(60_000);
    expect(verifier.cached(old)).toBeDefined(); // until the set is fetched again
    await verifier.warmUp();
    expect(verifier.cacheSize).toBe(0);
    expect(await reason(old)).toBe('unknown_key');
    expect(await reason(current)).toBe('ok');
    jwks.keys = [k2.publicJwk, es.publicJwk, k1.publicJwk]; // only added: the cache stays
    await clock.advance(60_000);
    await verifier.warmUp();
    expect(verifier.cacheSize).toBe(1);
  });

  it('tries each fitting key for a token without kid', async () => {
    const noKid = { ...k2.publicJwk, kid: undefined };
    jwks.keys = [{ ...k1.publicJwk, kid: undefined }, noKid, es.publicJwk];
    expect(await reason(await sign(k2, claimsAt(clock.now()), { kid: undefined }))).toBe('ok');
    expect(await reason(await sign(es, claimsAt(clock.now()), { kid: undefined }))).toBe('ok');
  });

  it('is never used for an algorithm the issuer does not allow, even when the set has a key for it', async () => {
    const ps = await makeKey('PS256', 'p1');
    jwks.keys = [k1.publicJwk, ps.publicJwk];
    const result = verifier.verify(await sign(ps, claimsAt(clock.now())));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ reason: 'algorithm_not_allowed' });
  });

  it('a set that is not JSON or not a key set counts as a failed fetch', async () => {
    jwks.keys = 'nope' as never;
    expect(await reason(await sign(k1, claimsAt(clock.now())))).toBe('key_unavailable');
    expect(logger.warnings).toBe(1);
  });
});
