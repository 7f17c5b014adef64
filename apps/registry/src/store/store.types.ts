import type { CheckRecord, KvRecord, NodeRecord, ServiceRecord, SessionRecord } from '../model/records.js';

/** The lmdb sub-databases. `meta` holds `lastIndex`; `indexes` per-resource indexes; `tombstones` deleted KV keys. */
export type TableName = 'nodes' | 'services' | 'checks' | 'kv' | 'sessions' | 'indexes' | 'tombstones' | 'meta';
export const TABLES: readonly TableName[] = ['nodes', 'services', 'checks', 'kv', 'sessions', 'indexes', 'tombstones', 'meta'];

/**
 * The longest key (UTF-8 bytes) the registry writes: lmdb-js refuses keys over 1978 bytes, and a
 * refused commit is fatal, so writes are checked against this (with a margin) before they commit.
 */
export const MAX_STORE_KEY_BYTES = 1900;

/** One change to write: `value` undefined deletes the key. */
export interface StoreOp {
  readonly table: TableName;
  readonly key: string;
  readonly value: unknown;
}

/** Everything read back from disk at start. */
export interface LoadedState {
  nodes: NodeRecord[];
  services: ServiceRecord[];
  checks: CheckRecord[];
  kv: KvRecord[];
  sessions: SessionRecord[];
  indexes: Map<string, number>;
  tombstones: Map<string, number>;
  lastIndex: number;
}

/** Where writes go. `commit` resolves once the ops are on disk (fsync), atomically. */
export interface DurableStore {
  commit(ops: readonly StoreOp[]): Promise<void>;
  close(): Promise<void>;
}
