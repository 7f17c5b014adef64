import type { RequestOutcome } from './balancer.js';

/** What a learning strategy keeps per instance; mutated in place so the hot path allocates only the `done` closure. */
export interface InstanceLoad {
  /** Requests begun and not yet ended. */
  inflight: number;
  /** Peak-EWMA latency estimate in ms as of `at` (p2c-ewma only; 0 = never measured). */
  rttMs: number;
  /** Monotonic ms of the last latency update. */
  at: number;
  /** Value of the table's `begin` counter when this instance last began a request. */
  touched: number;
}

/** Every this many `begin` calls, forget idle instances that got no request in the window (they may have left). */
const SWEEP_EVERY = 4_096;

/** Load records by instance id, created on first use. */
export class LoadTable {
  private readonly loads = new Map<string, InstanceLoad>();
  private begun = 0;

  /** The record of `id`, if it has one (picks read without creating). */
  peek(id: string): InstanceLoad | undefined {
    return this.loads.get(id);
  }

  /** Number of instances tracked (for tests of the sweep). */
  get size(): number {
    return this.loads.size;
  }

  /**
   * Counts one request for `id`; the returned function ends it once (later calls do nothing),
   * after which `onEnd` sees the record and the outcome.
   */
  begin(id: string, onEnd?: (load: InstanceLoad, outcome: RequestOutcome) => void): (outcome: RequestOutcome) => void {
    if (++this.begun % SWEEP_EVERY === 0) this.sweep();
    let load = this.loads.get(id);
    if (!load) {
      load = { inflight: 0, rttMs: 0, at: 0, touched: 0 };
      this.loads.set(id, load);
    }
    const record = load;
    record.inflight++;
    record.touched = this.begun;
    let ended = false;
    return (outcome) => {
      if (ended) return;
      ended = true;
      record.inflight--;
      onEnd?.(record, outcome);
    };
  }

  private sweep(): void {
    const cutoff = this.begun - SWEEP_EVERY;
    for (const [id, load] of this.loads) if (load.inflight === 0 && load.touched <= cutoff) this.loads.delete(id);
  }
}
