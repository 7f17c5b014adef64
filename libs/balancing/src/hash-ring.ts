import { murmur3 } from './murmur3.hash.js';

/**
 * A consistent-hash ring: each member owns `replicas` points (virtual nodes); a key belongs to the
 * member owning the first point at or after the key's hash, wrapping around. Members are identified
 * by id only, so the ring depends on the id set, not on list order, and a member leaving moves only
 * the keys it owned.
 */
export class HashRing {
  /** Sorted point hashes. */
  private readonly points: Uint32Array;
  /** `owners[k]` = index into `ids` of the member owning `points[k]`. */
  private readonly owners: Uint32Array;

  /** @param ids member ids, sorted and unique. */
  constructor(
    readonly ids: readonly string[],
    replicas: number,
  ) {
    const entries: { hash: number; owner: number }[] = [];
    ids.forEach((id, owner) => {
      for (let r = 0; r < replicas; r++) entries.push({ hash: murmur3(`${id}#${r}`), owner });
    });
    // Ties (rare) are broken by id so the ring is the same whatever order ids arrive in.
    entries.sort((a, b) => a.hash - b.hash || a.owner - b.owner);
    this.points = Uint32Array.from(entries, (e) => e.hash);
    this.owners = Uint32Array.from(entries, (e) => e.owner);
  }

  /** Index into `ids` of the member owning `key`, or -1 for an empty ring. */
  ownerOf(key: string): number {
    const { points } = this;
    if (points.length === 0) return -1;
    const hash = murmur3(key);
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((points[mid] ?? 0) < hash) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === points.length ? 0 : lo] ?? -1;
  }
}
