import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyDigest, ApiKeyStore, hashApiKey, sameDigest } from './api-key.store.js';

const store = new ApiKeyStore([
  { consumer: 'batch-jobs', keys: [hashApiKey('old-key'), hashApiKey('new-key')], scopes: ['orders:write'] },
  { consumer: 'reports', keys: [hashApiKey('reports-key')], scopes: [] },
]);

describe('hashApiKey', () => {
  it('gives sha256:<hex> of the key', () => {
    expect(hashApiKey('k-1')).toBe(`sha256:${createHash('sha256').update('k-1').digest('hex')}`);
  });
});

describe('ApiKeyStore', () => {
  it('knows every active key of a consumer (two while rotating)', () => {
    expect(store.size).toBe(3);
    for (const key of ['old-key', 'new-key']) {
      const identity = store.identify(key);
      expect(identity?.consumer).toBe('batch-jobs');
      expect(identity?.method).toBe('apiKey');
      expect([...(identity?.scopes ?? [])]).toEqual(['orders:write']);
    }
    expect(store.identify('reports-key')?.consumer).toBe('reports');
  });

  it('refuses unknown keys, hash strings and near misses', () => {
    for (const key of ['', 'old-ke', 'old-keyy', 'OLD-KEY', hashApiKey('old-key'), hashApiKey('old-key').slice(7)]) {
      expect(store.identify(key)).toBeUndefined();
    }
  });

  it('hands out a frozen identity', () => {
    const identity = store.identify('new-key');
    expect(Object.isFrozen(identity)).toBe(true);
    expect(() => (identity?.scopes as Set<string>).add('admin')).toThrow('read-only');
  });

  // Timing, by construction rather than by stopwatch: whatever the presented key, the store hashes it once (SHA-256, 32
  // bytes), looks the digest up, and runs exactly one timingSafeEqual over two 32-byte digests (a decoy on a miss).
  it('compares fixed-length digests only, so a long shared prefix changes nothing', () => {
    const real = `${'p'.repeat(4096)}-real`;
    const prefixed = `${'p'.repeat(4096)}-fake`; // shares 4 KiB with the real key
    const unrelated = 'zzz';
    const digests = [real, prefixed, unrelated].map(apiKeyDigest);
    expect(digests.map((d) => d.length)).toEqual([32, 32, 32]);
    // The digests share no meaningful prefix: the compare cannot exit later for the key sharing a prefix.
    const [d0, d1] = digests as [Buffer, Buffer, Buffer];
    let shared = 0;
    while (shared < 32 && d0[shared] === d1[shared]) shared++;
    expect(shared).toBeLessThan(4);
    const prefixedStore = new ApiKeyStore([{ consumer: 'c', keys: [hashApiKey(real)], scopes: [] }]);
    expect(prefixedStore.identify(prefixed)).toBeUndefined();
    expect(prefixedStore.identify(unrelated)).toBeUndefined();
    expect(prefixedStore.identify(real)?.consumer).toBe('c');
  });

  it('compares digests with timingSafeEqual, which refuses anything but two 32-byte digests', () => {
    expect(sameDigest(apiKeyDigest('a'), apiKeyDigest('a'))).toBe(true);
    expect(sameDigest(apiKeyDigest('a'), apiKeyDigest('b'))).toBe(false);
    expect(() => sameDigest(Buffer.from('a'), Buffer.from('a'))).toThrow(RangeError);
  });
});
