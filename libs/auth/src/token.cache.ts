import type { Clock } from '@meshway/clock';
import { LRUCache } from 'lru-cache';

interface CachedToken<V> {
  readonly token: string;
  readonly value: V;
  /** Wall-clock ms after which the entry is no longer served. */
  readonly expiresAt: number;
}

/** Characters of the token's end that key the cache: inside the signature (43+ characters for every algorithm we accept). */
const KEY_CHARS = 32;

/**
 * Verified tokens only (a refused token is never stored, so random tokens sprayed at the gateway cannot evict real ones),
 * in a bounded LRU. Keyed by the last 32 characters of the token — part of its signature — and confirmed by comparing the
 * whole token: hashing a whole 1 KB token into a Map costs ~1.6 µs, its signature's tail ~0.1 µs (authenticate.bench.ts).
 * A hit is one lookup, one string compare and one clock read: synchronous.
 *
 * Recency is lru-cache's (typed-array lists: a get costs what a plain Map.get does; a Map-based LRU re-inserting on every hit
 * costs ~1.7 µs more). An entry is served until the token's `exp` or `maxAgeMs` after it was verified, whichever is first.
 */
export class TokenCache<V extends object> {
  private readonly lru: LRUCache<string, CachedToken<V>> | undefined;

  constructor(
    maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly clock: Clock,
  ) {
    this.lru = maxAgeMs > 0 ? new LRUCache({ max: maxEntries }) : undefined;
  }

  /** What was stored for a token verified before and still fresh, or undefined. */
  get(token: string): V | undefined {
    if (this.lru === undefined || token.length < KEY_CHARS) return undefined;
    const key = token.slice(-KEY_CHARS);
    const entry = this.lru.get(key);
    if (entry?.token !== token) return undefined;
    if (this.clock.now() < entry.expiresAt) return entry.value;
    this.lru.delete(key);
    return undefined;
  }

  /** Keeps a verified token until `exp` (ms; undefined when it has none) or the cache's max age, whichever comes first. */
  set(token: string, value: V, expMs: number | undefined): void {
    if (this.lru === undefined || token.length < KEY_CHARS) return;
    const now = this.clock.now();
    const expiresAt = Math.min(expMs ?? Infinity, now + this.maxAgeMs);
    if (expiresAt > now) this.lru.set(token.slice(-KEY_CHARS), { token, value, expiresAt });
  }

  /** Forgets every token (e.g. after a key was revoked): each is verified again on its next use. */
  clear(): void {
    this.lru?.clear();
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
