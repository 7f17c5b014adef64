import type { KvRecord } from '../model/records.js';
import { kvDelete, kvSet } from './kv.ops.js';
import type { WriteTx } from './write.tx.js';

/** One KV operation of `PUT /v1/txn`, decoded. */
export interface KvTxnOp {
  readonly verb: string;
  readonly key: string;
  /** Base64, or null for no value. */
  readonly value: string | null;
  readonly flags: number;
  readonly index: number;
  readonly session: string;
}

/** A result row: the entry, and whether its value is shown (only `get`, `get-or-empty` and `get-tree` show it). */
export interface TxnResult {
  readonly entry: KvRecord;
  readonly withValue: boolean;
}

export interface TxnError {
  readonly OpIndex: number;
  readonly What: string;
}

export type TxnOutcome = { readonly ok: true; readonly results: TxnResult[] } | { readonly ok: false; readonly errors: TxnError[] };

/** Verbs that change the store: a transaction without any is a read. */
const WRITE_VERBS = new Set(['set', 'cas', 'lock', 'unlock', 'delete', 'delete-tree', 'delete-cas']);

export const isWriteOp = (op: KvTxnOp): boolean => WRITE_VERBS.has(op.verb);

/** Go's `%q` of a string, close enough for messages. */
const q = JSON.stringify;

/**
 * Runs a transaction's KV operations inside one write, with Consul's semantics and messages
 * (`agent/consul/state/txn.go`): first the pre-checks of every operation (a key is given; a lock is
 * not under lock-delay), then every operation in order — each sees the ones before it. Every failure
 * is collected with its operation's index; with any failure the caller rolls the write back, so
 * nothing of the transaction is applied.
 */
export function runKvTxn(tx: WriteTx, ops: readonly KvTxnOp[], now: number): TxnOutcome {
  const prechecked = ops.flatMap((op, i) => {
    const what = preCheck(tx, op, now);
    return what === undefined ? [] : [{ OpIndex: i, What: what }];
  });
  if (prechecked.length > 0) return { ok: false, errors: prechecked };
  const results: TxnResult[] = [];
  const errors: TxnError[] = [];
  ops.forEach((op, i) => {
    const outcome = runOp(tx, op, now);
    if (typeof outcome === 'string') errors.push({ OpIndex: i, What: outcome });
    else results.push(...outcome);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, results };
}

function preCheck(tx: WriteTx, op: KvTxnOp, now: number): string | undefined {
  if (op.key === '' && op.verb !== 'delete-tree') return 'Must provide key';
  if (op.verb !== 'lock') return undefined;
  const delayedUntil = tx.tables.lockDelays.get(op.key);
  return delayedUntil !== undefined && now < delayedUntil ? `failed to lock key ${q(op.key)} due to lock delay` : undefined;
}

/** One operation: its result rows, or why it failed. */
function runOp(tx: WriteTx, op: KvTxnOp, now: number): TxnResult[] | string {
  const existing = tx.tables.kv.get(op.key);
  switch (op.verb) {
    case 'set':
      kvSet(tx, { key: op.key, value: op.value, flags: op.flags }, now);
      return stored(tx, op.key);
    case 'cas':
      return kvSet(tx, { key: op.key, value: op.value, flags: op.flags, cas: op.index }, now) ? stored(tx, op.key) : `failed to set key ${q(op.key)}, index is stale`;
    case 'lock':
      return lock(tx, op, now);
    case 'unlock':
      if (op.session === '') return 'missing session';
      return kvSet(tx, { key: op.key, value: op.value, flags: op.flags, release: op.session }, now)
        ? stored(tx, op.key)
        : `failed to unlock key ${q(op.key)}, lock isn't held, or is held by another session`;
    case 'get':
      return existing ? [{ entry: existing, withValue: true }] : `key ${q(op.key)} doesn't exist`;
    case 'get-or-empty':
      return [{ entry: existing ?? emptyEntry(op), withValue: true }];
    case 'get-tree':
      return [...tx.tables.kv.values()].filter((e) => e.Key.startsWith(op.key)).sort(byKey).map((entry) => ({ entry, withValue: true }));
    default:
      return runCheckOrDelete(tx, op, existing);
  }
}

function runCheckOrDelete(tx: WriteTx, op: KvTxnOp, existing: KvRecord | undefined): TxnResult[] | string {
  switch (op.verb) {
    case 'check-index':
      if (!existing) return `failed to check index, key ${q(op.key)} doesn't exist`;
      if (existing.ModifyIndex !== op.index) return `failed index check for key ${q(op.key)}, current modify index ${existing.ModifyIndex} != ${op.index}`;
      return [{ entry: existing, withValue: false }];
    case 'check-session':
      if (!existing) return `failed to check session, key ${q(op.key)} doesn't exist`;
      if ((existing.Session ?? '') !== op.session) return `failed session check for key ${q(op.key)}, current session ${q(existing.Session ?? '')} != ${q(op.session)}`;
      return [{ entry: existing, withValue: false }];
    case 'check-not-exists':
      return existing ? `key ${q(op.key)} exists` : [];
    case 'delete':
      kvDelete(tx, { key: op.key, recurse: false });
      return [];
    case 'delete-tree':
      kvDelete(tx, { key: op.key, recurse: true });
      return [];
    case 'delete-cas':
      // A key that is already gone counts as deleted, as in Consul.
      if (existing && existing.ModifyIndex !== op.index) return `failed to delete key ${q(op.key)}, index is stale`;
      kvDelete(tx, { key: op.key, recurse: false });
      return [];
    default:
      return `unknown KV verb ${q(op.verb)}`;
  }
}

function lock(tx: WriteTx, op: KvTxnOp, now: number): TxnResult[] | string {
  if (op.session === '') return 'missing session';
  if (!tx.tables.sessions.has(op.session)) return `invalid session ${q(op.session)}`;
  const acquired = kvSet(tx, { key: op.key, value: op.value, flags: op.flags, acquire: op.session }, now);
  return acquired ? stored(tx, op.key) : `failed to lock key ${q(op.key)}, lock is already held`;
}

/** The entry as the operation left it, its value blanked (Consul saves space on writes). */
function stored(tx: WriteTx, key: string): TxnResult[] {
  const entry = tx.tables.kv.get(key);
  return entry ? [{ entry, withValue: false }] : [];
}

/** `get-or-empty` on a missing key answers the operation's own fields, without a value. */
function emptyEntry(op: KvTxnOp): KvRecord {
  return { Key: op.key, Flags: op.flags, Value: null, LockIndex: 0, CreateIndex: 0, ModifyIndex: op.index, ...(op.session === '' ? {} : { Session: op.session }) };
}

const byKey = (a: KvRecord, b: KvRecord): number => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0);
