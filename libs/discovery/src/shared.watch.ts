import type { Clock } from '@meshway/clock';
import { BlockingQuery, type BlockingQueryListener, type IndexedQuery } from './blocking.query.js';
import type { DiscoveryLogger } from './discovery.logger.js';
import type { Unsubscribe } from './discovery.source.js';
import type { ExponentialBackoff } from './exponential.backoff.js';
import type { OutageTracker } from './outage.tracker.js';

/** The last good answer of a watch, and whether the registry has failed since. */
export interface WatchState<T> {
  readonly value: T;
  readonly stale: boolean;
}

export interface SharedWatchDeps<T> {
  readonly clock: Clock;
  readonly backoff: ExponentialBackoff;
  readonly outages: OutageTracker;
  readonly logger: DiscoveryLogger;
  readonly equals: (a: T, b: T) => boolean;
  /** Told to subscribers (stale) when the registry fails before any answer; none when undefined. */
  readonly unknown?: T;
  /** Called when the last subscriber leaves, just before the query stops: the owner forgets this watch. */
  readonly onIdle: () => void;
}

/**
 * One blocking query shared by every subscriber of a key, with the last good answer cached:
 * subscribers hear the cached state at once, then every change, and a stale flag while the
 * registry fails. Answers equal to the cached one are not repeated.
 */
export class SharedWatch<T> implements BlockingQueryListener<T> {
  private readonly listeners = new Set<(state: WatchState<T>) => void>();
  private readonly query: BlockingQuery<T>;
  private state: WatchState<T> | undefined;
  private stopped = false;

  constructor(
    readonly key: string,
    fetch: IndexedQuery<T>,
    private readonly deps: SharedWatchDeps<T>,
  ) {
    this.query = new BlockingQuery(fetch, this, deps.clock, deps.backoff);
  }

  /** The cached state; undefined until the first answer. */
  get current(): WatchState<T> | undefined {
    return this.state;
  }

  subscribe(listener: (state: WatchState<T>) => void): Unsubscribe {
    // A fresh function per subscription, so one listener subscribed twice is two subscriptions.
    const wrapped = (state: WatchState<T>): void => {
      listener(state);
    };
    this.listeners.add(wrapped);
    if (this.state) this.call(wrapped, this.state);
    this.query.start();
    return () => {
      if (!this.listeners.delete(wrapped) || this.listeners.size > 0) return;
      this.deps.onIdle();
      void this.stop();
    };
  }

  /** Stops the query; the watch is finished and a new one must be made to watch again. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    await this.query.stop();
    this.deps.outages.forget(this.key);
  }

  /** From the query loop: an answer (maybe unchanged). */
  onValue(value: T): void {
    const recovered = this.deps.outages.markUp(this.key);
    if (this.state && !recovered && !this.state.stale && this.deps.equals(this.state.value, value)) return;
    this.publish({ value, stale: false });
  }

  /** From the query loop: a failed attempt. */
  onError(error: unknown): void {
    if (!this.deps.outages.markDown(this.key, error)) return;
    if (this.state) this.publish({ value: this.state.value, stale: true });
    else if (this.deps.unknown !== undefined) this.emit({ value: this.deps.unknown, stale: true });
  }

  private publish(state: WatchState<T>): void {
    this.state = state;
    this.emit(state);
  }

  private emit(state: WatchState<T>): void {
    if (this.stopped) return;
    for (const listener of [...this.listeners]) this.call(listener, state);
  }

  /** A throwing subscriber must not break the loop or the other subscribers. */
  private call(listener: (state: WatchState<T>) => void, state: WatchState<T>): void {
    try {
      listener(state);
    } catch (error) {
      this.deps.logger.warn({ watch: this.key, err: error instanceof Error ? error.message : String(error) }, 'A discovery watch listener threw; the watch goes on');
    }
  }
}
