import type { KvRecord } from '../model/records.js';
import type { WriteTx } from './write.tx.js';

export interface KvSetInput {
  readonly key: string;
  /** Base64, or null for an empty value. */
  readonly value: string | null;
  readonly flags: number;
  /** Write only if the key's ModifyIndex is this (0: only if the key does not exist). */
  readonly cas?: number;
  /** Take the key's lock for this session. */
  readonly acquire?: string;
  /** Give up the key's lock held by this session. */
  readonly release?: string;
}

/** PUT /v1/kv/:key. Returns Consul's `true`/`false` (false: CAS mismatch or lock not obtained). */
export function kvSet(tx: WriteTx, input: KvSetInput, now: number): boolean {
  const existing = tx.tables.kv.get(input.key);
  if (input.cas !== undefined && !casMatches(existing, input.cas)) return false;
  const base = { Key: input.key, Flags: input.flags, Value: input.value, LockIndex: existing?.LockIndex ?? 0 };
  if (input.acquire !== undefined) return acquire(tx, existing, base, input.acquire, now);
  if (input.release !== undefined) {
    if (existing?.Session !== input.release) return false;
    tx.putKv(base);
    return true;
  }
  tx.putKv(existing?.Session === undefined ? base : { ...base, Session: existing.Session });
  return true;
}

export interface KvDeleteInput {
  readonly key: string;
  readonly recurse: boolean;
  readonly cas?: number;
}

/** DELETE /v1/kv/:key. Returns false only on a CAS mismatch. */
export function kvDelete(tx: WriteTx, input: KvDeleteInput): boolean {
  if (input.recurse) {
    for (const key of [...tx.tables.kv.keys()]) if (key.startsWith(input.key)) tx.deleteKv(key);
    return true;
  }
  const existing = tx.tables.kv.get(input.key);
  if (input.cas !== undefined && !casMatches(existing, input.cas)) return false;
  tx.deleteKv(input.key);
  return true;
}

function acquire(tx: WriteTx, existing: KvRecord | undefined, base: Omit<KvRecord, 'CreateIndex' | 'ModifyIndex'>, session: string, now: number): boolean {
  if (existing?.Session !== undefined && existing.Session !== session) return false;
  if (existing?.Session === session) {
    // Re-acquiring a lock already held updates the value without a new LockIndex, as in Consul.
    tx.putKv({ ...base, Session: session });
    return true;
  }
  const delayedUntil = tx.tables.lockDelays.get(base.Key);
  if (delayedUntil !== undefined && now < delayedUntil) return false;
  tx.tables.lockDelays.delete(base.Key);
  tx.putKv({ ...base, LockIndex: base.LockIndex + 1, Session: session });
  return true;
}

function casMatches(existing: KvRecord | undefined, cas: number): boolean {
  return cas === 0 ? existing === undefined : existing?.ModifyIndex === cas;
}
