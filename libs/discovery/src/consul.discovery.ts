import { ConsulApi } from './consul.api.js';
import { resolveDiscoveryOptions, type ConsulDiscoveryOptions, type ResolvedDiscoveryOptions } from './discovery.options.js';
import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
import type { DiscoverySnapshot, DiscoverySource, Unsubscribe } from './discovery.source.js';
import { ExponentialBackoff } from './exponential.backoff.js';
import { invalidOption } from './options.validation.js';
import { OutageTracker } from './outage.tracker.js';
import type { ServiceInstance } from './service-instance.js';
import { SharedWatch, type SharedWatchDeps, type WatchState } from './shared.watch.js';
import type { IndexedQuery } from './blocking.query.js';

/** Counters for metrics; monotonic except `watches` and `staleWatches`. */
export interface DiscoveryStats {
  /** Live blocking-query loops (one per watched service, plus one for the service list). */
  readonly watches: number;
  /** Watches serving their last good answer because the registry fails. */
  readonly staleWatches: number;
  /** Registry queries made (blocking and one-shot). */
  readonly queries: number;
  /** Registry queries that failed. */
  readonly failures: number;
}

/** The key `onStale` and logs use for the service-list watch. */
export const SERVICES_WATCH_KEY = '*';

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Discovery from a Consul-compatible registry (Meshway's `apps/registry` or a real Consul), on the
 * `consul` npm client. One blocking query per watched service, shared by its subscribers; the last
 * good answer is kept and served (`stale: true`) while the registry is unreachable.
 */
export class ConsulDiscovery implements DiscoverySource {
  private readonly options: ResolvedDiscoveryOptions;
  private readonly api: ConsulApi;
  private readonly outages: OutageTracker;
  private readonly watches = new Map<string, SharedWatch<readonly ServiceInstance[]>>();
  private catalog: SharedWatch<readonly string[]> | undefined;
  private counters = { queries: 0, failures: 0 };
  private closed = false;

  constructor(options: ConsulDiscoveryOptions = {}) {
    this.options = resolveDiscoveryOptions(options);
    this.api = new ConsulApi(this.options.connection);
    this.outages = new OutageTracker(this.options.logger, this.options.onStale, this.options.clock, this.options.connection.baseUrl);
  }

  async resolve(service: string): Promise<readonly ServiceInstance[]> {
    this.assertOpen();
    checkServiceName(service);
    const cached = this.watches.get(service)?.current;
    if (cached) return cached.value;
    return (await this.count(this.api.healthService(service))).value;
  }

  watch(service: string, listener: (snapshot: DiscoverySnapshot) => void): Unsubscribe {
    this.assertOpen();
    checkServiceName(service);
    let watch = this.watches.get(service);
    if (!watch) {
      const fetch: IndexedQuery<readonly ServiceInstance[]> = (index, signal) => this.count(this.api.healthService(service, this.blocking(index, signal)));
      watch = new SharedWatch(service, fetch, this.deps<readonly ServiceInstance[]>([], () => this.watches.delete(service)));
      this.watches.set(service, watch);
    }
    return watch.subscribe((state: WatchState<readonly ServiceInstance[]>) => {
      listener({ service, instances: state.value, stale: state.stale });
    });
  }

  async services(): Promise<readonly string[]> {
    this.assertOpen();
    const cached = this.catalog?.current;
    if (cached) return cached.value;
    return (await this.count(this.api.catalogServices())).value;
  }

  watchServices(listener: (services: readonly string[]) => void): Unsubscribe {
    this.assertOpen();
    if (!this.catalog) {
      const fetch: IndexedQuery<readonly string[]> = (index, signal) => this.count(this.api.catalogServices(this.blocking(index, signal)));
      this.catalog = new SharedWatch(SERVICES_WATCH_KEY, fetch, this.deps<readonly string[]>(undefined, () => (this.catalog = undefined)));
    }
    return this.catalog.subscribe((state: WatchState<readonly string[]>) => {
      listener(state.value);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.watches.values(), ...(this.catalog ? [this.catalog] : [])];
    this.watches.clear();
    this.catalog = undefined;
    await Promise.all(all.map((w) => w.stop()));
    this.api.close();
  }

  stats(): DiscoveryStats {
    return { watches: this.watches.size + (this.catalog ? 1 : 0), staleWatches: this.outages.staleCount, ...this.counters };
  }

  private deps<T>(unknown: T | undefined, onIdle: () => void): SharedWatchDeps<T> {
    const { clock, random, backoff, logger } = this.options;
    return { clock, logger, outages: this.outages, backoff: new ExponentialBackoff(backoff, random), equals: sameJson, onIdle, ...(unknown === undefined ? {} : { unknown }) };
  }

  private blocking(index: bigint, signal: AbortSignal): { index: bigint; waitSeconds: number; signal: AbortSignal } {
    return { index, waitSeconds: this.options.waitSeconds, signal };
  }

  private async count<T>(query: Promise<T>): Promise<T> {
    this.counters.queries += 1;
    try {
      return await query;
    } catch (error) {
      this.counters.failures += 1;
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DiscoveryError(DiscoveryErrorCode.Closed, 'This ConsulDiscovery is closed; create a new one');
  }
}

function checkServiceName(service: unknown): void {
  if (typeof service !== 'string' || !/^[^/\s?#]{1,256}$/.test(service)) {
    throw invalidOption('service', service, 'a service name without "/", "?", "#" or whitespace');
  }
}
