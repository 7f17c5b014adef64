import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from '@meshway/clock';
import { LRUCache } from 'lru-cache';
import { bench, describe } from 'vitest';
import { hashApiKey } from './api-key.store.js';
import { Authenticator } from './authenticator.js';
import { claimsAt, makeKey, sign } from './fixtures/jwt.fixture.js';
import { JwksServer } from './fixtures/jwks.server.fixture.js';
import { TokenCache } from './token.cache.js';

// What the gateway's auth step costs per request: `npx vitest bench --project auth --run`.
const key = await makeKey('RS256', 'k1');
const jwks = await JwksServer.start([key.publicJwk]);
const auth = new Authenticator({
  jwt: [{ issuer: 'https://issuer.example', audiences: ['meshway'], algorithms: ['RS256'], jwksUrl: jwks.url }],
  apiKeys: [{ consumer: 'batch-jobs', keys: [hashApiKey('k-1'), hashApiKey('k-2')], scopes: ['orders:write'] }],
});
const jwtRoute = auth.forRoute({ mode: 'jwt', scopes: ['orders:read'] });
const keyRoute = auth.forRoute({ mode: 'apiKey' });
const tokens = await Promise.all(Array.from({ length: 1_000 }, (_, i) => sign(key, claimsAt(Date.now(), { sub: `user-${i}` }))));
for (const token of tokens) await jwtRoute({ authorization: `Bearer ${token}` });
// Header values arrive as fresh strings each request (a cached string would hide the cost of hashing it).
const headers = tokens.map((token) => Buffer.from(`Bearer ${token}`));
let i = 0;
const nextHeader = (): string => (headers[i++ % headers.length] ?? Buffer.alloc(0)).toString('latin1');

describe('auth step, per request', () => {
  bench('jwt route, cached token (sync)', () => {
    void jwtRoute({ authorization: nextHeader() });
  });
  bench('apiKey route (sync)', () => {
    void keyRoute({ apiKey: 'k-2' });
  });
  bench('jwt route, uncached RS256 verify (async)', async () => {
    auth.clearCache();
    await jwtRoute({ authorization: nextHeader() });
  });
});

// The decision behind TokenCache: 10,000 cached ~1 KB tokens, looked up by a fresh copy of one.
describe('token cache lookup, 10,000 entries', () => {
  const raw = Array.from({ length: 10_000 }, () => Buffer.from(randomBytes(700).toString('base64url')));
  const fresh = (): string => (raw[i++ % raw.length] ?? Buffer.alloc(0)).toString('latin1');
  const ours = new TokenCache<object>(10_000, 3_600_000, systemClock);
  const wholeKey = new LRUCache<string, object>({ max: 10_000 });
  const hashed = new LRUCache<string, object>({ max: 10_000 });
  const mapLru = new Map<string, object>();
  for (const b of raw) {
    const t = b.toString('latin1');
    ours.set(t, {}, undefined);
    wholeKey.set(t, {});
    hashed.set(createHash('sha256').update(t).digest('base64'), {});
    mapLru.set(t, {});
  }
  bench('TokenCache (lru-cache, key: signature tail + whole-token compare)', () => {
    ours.get(fresh());
  });
  bench('lru-cache keyed by the whole token', () => {
    wholeKey.get(fresh());
  });
  bench('lru-cache keyed by sha256(token)', () => {
    hashed.get(createHash('sha256').update(fresh()).digest('base64'));
  });
  bench('Map LRU keyed by the whole token (delete + set on a hit)', () => {
    const t = fresh();
    const v = mapLru.get(t);
    if (v !== undefined) {
      mapLru.delete(t);
      mapLru.set(t, v);
    }
  });
});
