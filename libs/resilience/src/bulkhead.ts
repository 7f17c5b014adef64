import { integerOption, optionsObject } from './option.checks.js';
import { ResilienceError, ResilienceErrorCode } from './resilience.errors.js';

export interface BulkheadOptions {
  /** Requests in flight to the upstream at once. Required: only the operator knows the number. */
  readonly maxConcurrent: number;
  /** Requests that may wait for a slot; beyond that a request is refused at once. Default 0. */
  readonly maxQueue?: number;
}

export type ResolvedBulkheadOptions = Required<BulkheadOptions>;

export const BULKHEAD_DEFAULTS = Object.freeze({ maxQueue: 0 });

export function resolveBulkheadOptions(given: BulkheadOptions, path = 'bulkhead'): ResolvedBulkheadOptions {
  const o = optionsObject(given, path, ['maxConcurrent', 'maxQueue']);
  return Object.freeze({
    maxConcurrent: integerOption(o.maxConcurrent, `${path}.maxConcurrent`, 1, 1_000_000),
    maxQueue: integerOption(o.maxQueue ?? BULKHEAD_DEFAULTS.maxQueue, `${path}.maxQueue`, 0, 1_000_000),
  });
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * Caps the requests in flight to one upstream, so one slow service cannot take every socket and every byte of memory.
 * Fast path: `tryAcquire()` (synchronous) and `release()`. Slow path: `acquire(signal)` waits in a bounded FIFO queue
 * until a slot is handed over, or fails with MESHWAY_BULKHEAD_FULL — at once when the queue is full, or when the
 * caller's signal (its deadline) fires first. A released slot goes straight to the longest waiter.
 */
export class Bulkhead {
  readonly options: ResolvedBulkheadOptions;
  private active = 0;
  /** Insertion-ordered: the first entry is the longest waiter; deleting an aborted one is O(1). */
  private readonly queue = new Set<Waiter>();
  private rejected = 0;

  constructor(options: BulkheadOptions) {
    this.options = resolveBulkheadOptions(options);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** Requests refused since start (a counter for metrics). */
  get rejectedCount(): number {
    return this.rejected;
  }

  /** Takes a slot if one is free now. (Free slots never coexist with waiters: a release hands its slot over.) */
  tryAcquire(): boolean {
    if (this.active >= this.options.maxConcurrent) return false;
    this.active++;
    return true;
  }

  /** A slot, now or after waiting its turn; MESHWAY_BULKHEAD_FULL when the queue is full or `signal` fires first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(this.refuse('the caller gave up before a slot was free', signal.reason));
    if (this.tryAcquire()) return Promise.resolve();
    if (this.queue.size >= this.options.maxQueue) return Promise.reject(this.refuse(this.options.maxQueue === 0 ? 'no queue' : `${this.options.maxQueue} already waiting`));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.queue.delete(waiter);
          reject(this.refuse('the caller gave up while waiting for a slot', signal?.reason));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.add(waiter);
    });
  }

  /** Gives a slot back: straight to the longest waiter, if any. Call it exactly once per slot taken. */
  release(): void {
    if (this.queue.size === 0) {
      if (this.active > 0) this.active--;
      return;
    }
    const waiter = this.queue.values().next().value as Waiter;
    this.queue.delete(waiter);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve();
  }

  private refuse(why: string, cause?: unknown): ResilienceError {
    this.rejected++;
    const message = `The upstream is at its limit of ${this.options.maxConcurrent} requests in flight (${why})`;
    return new ResilienceError(ResilienceErrorCode.BulkheadFull, message, cause === undefined ? undefined : { cause });
  }
}
