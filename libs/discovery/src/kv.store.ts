import type { KvEntry } from './consul.api.js';
import type { Unsubscribe } from './discovery.source.js';

export type { KvEntry } from './consul.api.js';

/** What a watcher of a key prefix receives on every change. */
export interface KvSnapshot {
  readonly prefix: string;
  /** Every entry under the prefix, sorted by key. */
  readonly entries: readonly KvEntry[];
  /** True while the registry is unreachable and this is the last good answer. */
  readonly stale: boolean;
}

/**
 * A Consul-style key/value store: `ConsulKv` (the registry's or a real Consul cluster's KV), or `MemoryKv` (tests, setups
 * without a registry). Writes take an optional `cas` (the entry's `modifyIndex`; 0 = only if absent) and resolve false when
 * someone else wrote first, so read-modify-write loops are safe across processes.
 */
export interface KeyValueStore {
  /** Every entry under `prefix` now. */
  list(prefix: string): Promise<readonly KvEntry[]>;
  set(key: string, value: string, options?: { readonly cas?: bigint }): Promise<boolean>;
  delete(key: string, options?: { readonly cas?: bigint }): Promise<boolean>;
  /** Calls `listener` with the entries under `prefix` now, then on every change, until unsubscribed. */
  watch(prefix: string, listener: (snapshot: KvSnapshot) => void): Unsubscribe;
  close(): Promise<void>;
}
