import type { Clock } from '@meshway/clock';
import type { Indexed } from './consul.api.js';
import type { ExponentialBackoff } from './exponential.backoff.js';

/** Runs one blocking query from `index`; must honour `signal`. */
export type IndexedQuery<T> = (index: bigint, signal: AbortSignal) => Promise<Indexed<T>>;

export interface BlockingQueryListener<T> {
  /** Every answer, changed or not (a blocking query may return without a change). */
  onValue(value: T): void;
  /** Every failed attempt; the loop backs off and tries again. */
  onError(error: unknown): void;
}

/**
 * Consul never starts more than one query per this many ms per watch (as consul-template does),
 * so a server that ignores `index` cannot make the loop spin. An isolated change is still seen at once:
 * the gap is measured from the previous query's start, which was long ago.
 */
export const MIN_QUERY_INTERVAL_MS = 50;

/**
 * The index to send next, following Consul's blocking-query rules: reset to 0 when the index goes
 * backwards (registry restarted without data, snapshot restore), and never block on an index below 1.
 */
export function nextIndex(previous: bigint, received: bigint): bigint {
  if (received < previous) return 0n;
  if (received < 1n) return 1n;
  return received;
}

/** A long-poll loop over one Consul endpoint: `index` + `wait`, jittered exponential backoff on failure. */
export class BlockingQuery<T> {
  private index = 0n;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly query: IndexedQuery<T>,
    private readonly listener: BlockingQueryListener<T>,
    private readonly clock: Clock,
    private readonly backoff: ExponentialBackoff,
  ) {}

  /** Starts the loop; a second call does nothing. */
  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    this.running = this.loop(this.controller.signal);
  }

  /** Aborts the query in flight and resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.controller?.abort(new Error('watch stopped'));
    await this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let lastStart = Number.NEGATIVE_INFINITY;
    while (!signal.aborted) {
      const gap = lastStart + MIN_QUERY_INTERVAL_MS - this.clock.monotonic();
      if (gap > 0 && !(await this.pause(gap, signal))) return;
      lastStart = this.clock.monotonic();
      await this.attempt(signal);
    }
  }

  private async attempt(signal: AbortSignal): Promise<void> {
    try {
      const answer = await this.query(this.index, signal);
      if (signal.aborted) return;
      this.index = nextIndex(this.index, answer.index);
      this.backoff.reset();
      this.listener.onValue(answer.value);
    } catch (error) {
      if (signal.aborted) return;
      // Ask from 0 after a failure: a registry that restarted on its old data would hold a query on the
      // old index until the next change, and one restarted without data until its index passes ours —
      // either way a stale watch would stay stale for up to `wait`.
      this.index = 0n;
      this.listener.onError(error);
      await this.pause(this.backoff.next(), signal);
    }
  }

  /** Sleeps on the injected clock; false when aborted meanwhile. */
  private async pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** The index the next query will send (for tests and diagnostics). */
  get currentIndex(): bigint {
    return this.index;
  }
}
