import type { IndexedQuery } from './blocking.query.js';
import { ConsulApi, type KvEntry } from './consul.api.js';
import { resolveDiscoveryOptions, type ConsulDiscoveryOptions, type ResolvedDiscoveryOptions } from './discovery.options.js';
import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
import type { Unsubscribe } from './discovery.source.js';
import { ExponentialBackoff } from './exponential.backoff.js';
import type { KeyValueStore, KvSnapshot } from './kv.store.js';
import { invalidOption } from './options.validation.js';
import { OutageTracker } from './outage.tracker.js';
import { SharedWatch, type WatchState } from './shared.watch.js';

const sameEntries = (a: readonly KvEntry[], b: readonly KvEntry[]): boolean =>
  a.length === b.length && a.every((entry, i) => entry.key === b[i]?.key && entry.modifyIndex === b[i].modifyIndex);

const byKey = (entries: KvEntry[]): KvEntry[] => entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * The KV store of a Consul-compatible registry (Meshway's `apps/registry` or a real Consul), on the `consul` npm client,
 * with the same connection options, blocking-query watches and stale-while-unreachable behaviour as {@link ConsulDiscovery}.
 */
export class ConsulKv implements KeyValueStore {
  private readonly options: ResolvedDiscoveryOptions;
  private readonly api: ConsulApi;
  private readonly outages: OutageTracker;
  private readonly watches = new Map<string, SharedWatch<readonly KvEntry[]>>();
  private closed = false;

  constructor(options: ConsulDiscoveryOptions = {}) {
    this.options = resolveDiscoveryOptions(options);
    this.api = new ConsulApi(this.options.connection);
    this.outages = new OutageTracker(this.options.logger, this.options.onStale, this.options.clock, this.options.connection.baseUrl);
  }

  async list(prefix: string): Promise<readonly KvEntry[]> {
    this.assertOpen();
    return byKey((await this.api.kvList(checkKey(prefix))).value);
  }

  set(key: string, value: string, options: { readonly cas?: bigint } = {}): Promise<boolean> {
    this.assertOpen();
    return this.api.kvSet(checkKey(key), value, options.cas);
  }

  delete(key: string, options: { readonly cas?: bigint } = {}): Promise<boolean> {
    this.assertOpen();
    return this.api.kvDelete(checkKey(key), options.cas);
  }

  watch(prefix: string, listener: (snapshot: KvSnapshot) => void): Unsubscribe {
    this.assertOpen();
    checkKey(prefix);
    let watch = this.watches.get(prefix);
    if (!watch) {
      const fetch: IndexedQuery<readonly KvEntry[]> = async (index, signal) => {
        const answer = await this.api.kvList(prefix, { index, waitSeconds: this.options.waitSeconds, signal });
        return { index: answer.index, value: byKey(answer.value) };
      };
      const { clock, random, backoff, logger } = this.options;
      watch = new SharedWatch(`kv:${prefix}`, fetch, {
        clock, logger, outages: this.outages, backoff: new ExponentialBackoff(backoff, random), equals: sameEntries,
        onIdle: () => this.watches.delete(prefix),
      });
      this.watches.set(prefix, watch);
    }
    return watch.subscribe((state: WatchState<readonly KvEntry[]>) => {
      listener({ prefix, entries: state.value, stale: state.stale });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(all.map((w) => w.stop()));
    this.api.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new DiscoveryError(DiscoveryErrorCode.Closed, 'This ConsulKv is closed; create a new one');
  }
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length > 512 || key.startsWith('/') || /[\s?#]|\.\./.test(key)) {
    throw invalidOption('key', key, 'a KV key or prefix without a leading "/", whitespace, "?", "#" or ".." (at most 512 characters)');
  }
  return key;
}
