import { ResilienceError, ResilienceErrorCode } from './resilience.errors.js';

export interface BulkheadOptions {
  /** Requests in flight to the upstream at once. */
  readonly maxConcurrent: number;
  /** Requests that may wait for a slot; beyond it a request is refused at once. Default 0. */
  readonly maxQueue?: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * Caps the requests in flight to one upstream, so one slow service cannot take every socket and every byte of memory.
 * The fast path (`tryAcquire`) is synchronous; a request that must wait queues (bounded, FIFO) until a slot frees, its
 * signal fires (its deadline) or the queue is full — then it fails at once with MESHWAY_BULKHEAD_FULL (→ 503).
 */
export class Bulkhead {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private rejected = 0;

  constructor(private readonly options: BulkheadOptions) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  get rejectedCount(): number {
    return this.rejected;
  }

  tryAcquire(): boolean {
    if (this.active >= this.options.maxConcurrent) return false;
    this.active++;
    return true;
  }

  /** Waits for a slot; rejects with MESHWAY_BULKHEAD_FULL when the queue is full or `signal` fires first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    if (this.queue.length >= (this.options.maxQueue ?? 0) || signal?.aborted) return Promise.reject(this.full());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.queue.indexOf(waiter);
          if (at !== -1) this.queue.splice(at, 1);
          reject(this.full());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Frees a slot, handing it straight to the longest waiter. */
  release(): void {
    const next = this.queue.shift();
    if (next) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
      return;
    }
    this.active = Math.max(0, this.active - 1);
  }

  private full(): ResilienceError {
    this.rejected++;
    return new ResilienceError(ResilienceErrorCode.BulkheadFull, `The upstream is at its limit of ${this.options.maxConcurrent} requests in flight${this.options.maxQueue ? ` and ${this.options.maxQueue} waiting` : ''}.`);
  }
}
