import { describe, expect, it } from 'vitest';
import { identityFromHeaders, identityHeaders, IDENTITY_HEADERS } from './identity.headers.js';
import { makeIdentity, scopesFromClaims } from './identity.js';

describe('scopesFromClaims', () => {
  it('merges scope (space-separated), scp (array or string) and scopes (array)', () => {
    expect([...scopesFromClaims({ scope: 'a b', scp: ['c'], scopes: ['d', 'a'] })].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...scopesFromClaims({ scp: 'e f' })]).toEqual(['e', 'f']);
  });

  it('drops values that are not scope-tokens', () => {
    expect([...scopesFromClaims({ scope: 'ok  ', scopes: ['a"b', 'c\\d', 'line\nbreak', 42, 'é'] })]).toEqual(['ok']);
  });
});

describe('identity headers', () => {
  it('carry the consumer and sorted scopes, and read back as a gateway identity', () => {
    const headers = identityHeaders(makeIdentity('alice', ['orders:write', 'orders:read'], 'jwt'));
    expect(headers).toEqual({ [IDENTITY_HEADERS.consumer]: 'alice', [IDENTITY_HEADERS.scopes]: 'orders:read orders:write' });
    const identity = identityFromHeaders(headers['x-meshway-consumer'], headers['x-meshway-scopes']);
    expect(identity?.consumer).toBe('alice');
    expect(identity?.method).toBe('gateway');
    expect([...(identity?.scopes ?? [])]).toEqual(['orders:read', 'orders:write']);
  });

  it.each([
    [undefined, 'a'],
    ['', 'a'],
    ['two words', 'a'],
    [['alice', 'mallory'], 'a'],
    ['alice', ['a', 'b']],
    ['alice', 'a"b'],
  ])('refuse consumer %j with scopes %j', (consumer, scopes) => {
    expect(identityFromHeaders(consumer, scopes)).toBeUndefined();
  });

  it('accept a consumer without scopes', () => {
    expect(identityFromHeaders('svc', undefined)?.scopes.size).toBe(0);
  });
});
