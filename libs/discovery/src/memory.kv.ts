import type { KvEntry } from './consul.api.js';
import type { Unsubscribe } from './discovery.source.js';
import type { KeyValueStore, KvSnapshot } from './kv.store.js';

/**
 * An in-process KV store with Consul's semantics (modify indexes, `cas`, prefix watches that fire synchronously on every
 * write under the prefix): for tests, and for a gateway without a registry (state then lives as long as the process).
 */
export class MemoryKv implements KeyValueStore {
  private readonly entries = new Map<string, KvEntry>();
  private readonly watchers = new Set<{ readonly prefix: string; readonly listener: (snapshot: KvSnapshot) => void }>();
  private index = 0n;

  list(prefix: string): Promise<readonly KvEntry[]> {
    return Promise.resolve(this.under(prefix));
  }

  set(key: string, value: string, options: { readonly cas?: bigint } = {}): Promise<boolean> {
    if (!this.casMatches(key, options.cas)) return Promise.resolve(false);
    this.index += 1n;
    this.entries.set(key, { key, value, modifyIndex: this.index });
    this.notify(key);
    return Promise.resolve(true);
  }

  delete(key: string, options: { readonly cas?: bigint } = {}): Promise<boolean> {
    if (options.cas !== undefined && this.entries.get(key)?.modifyIndex !== options.cas) return Promise.resolve(false);
    if (this.entries.delete(key)) {
      this.index += 1n;
      this.notify(key);
    }
    return Promise.resolve(true);
  }

  watch(prefix: string, listener: (snapshot: KvSnapshot) => void): Unsubscribe {
    const watcher = { prefix, listener };
    this.watchers.add(watcher);
    listener({ prefix, entries: this.under(prefix), stale: false });
    return () => this.watchers.delete(watcher);
  }

  close(): Promise<void> {
    this.watchers.clear();
    return Promise.resolve();
  }

  private casMatches(key: string, cas: bigint | undefined): boolean {
    if (cas === undefined) return true;
    const current = this.entries.get(key);
    return cas === 0n ? current === undefined : current?.modifyIndex === cas;
  }

  private under(prefix: string): KvEntry[] {
    return [...this.entries.values()].filter((entry) => entry.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  private notify(key: string): void {
    for (const { prefix, listener } of this.watchers) if (key.startsWith(prefix)) listener({ prefix, entries: this.under(prefix), stale: false });
  }
}
