import type { Clock } from '@meshway/clock';

/** Latency bucket upper bounds, ms: ×1.25 steps from 0.5 ms to ~70 s, so a p99 is read within 25 %. */
const BOUNDS: readonly number[] = Array.from({ length: 54 }, (_, i) => 0.5 * 1.25 ** i);

interface Second {
  at: number;
  count: number;
  errors: number;
  readonly latency: Uint32Array;
}

/** What one side of a release did over the window. */
export interface WindowStats {
  readonly requests: number;
  /** 5xx (and client-gone-after-error) answers over requests; 0 with no requests. */
  readonly errorRate: number;
  /** 99th percentile latency, ms (upper bound of its bucket); 0 with no requests. */
  readonly p99Ms: number;
}

function bucketOf(ms: number): number {
  let lo = 0;
  let hi = BOUNDS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((BOUNDS[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Requests, errors and a latency histogram over a sliding window, in one-second slots on the injected clock: O(1) to
 * record, O(window) to read, no allocation per request.
 */
export class OutcomeWindow {
  private readonly seconds: Second[];

  constructor(
    private readonly windowSec: number,
    private readonly clock: Clock,
  ) {
    this.seconds = Array.from({ length: windowSec }, () => ({ at: -1, count: 0, errors: 0, latency: new Uint32Array(BOUNDS.length) }));
  }

  record(error: boolean, latencyMs: number): void {
    const now = Math.floor(this.clock.monotonic() / 1000);
    const slot = this.seconds[now % this.windowSec] as Second;
    if (slot.at !== now) {
      slot.at = now;
      slot.count = 0;
      slot.errors = 0;
      slot.latency.fill(0);
    }
    slot.count++;
    if (error) slot.errors++;
    const bucket = bucketOf(latencyMs);
    slot.latency[bucket] = (slot.latency[bucket] as number) + 1;
  }

  stats(): WindowStats {
    const now = Math.floor(this.clock.monotonic() / 1000);
    let count = 0;
    let errors = 0;
    const latency = new Uint32Array(BOUNDS.length);
    for (const slot of this.seconds) {
      if (slot.at <= now - this.windowSec) continue;
      count += slot.count;
      errors += slot.errors;
      for (let i = 0; i < latency.length; i++) latency[i] = (latency[i] as number) + (slot.latency[i] as number);
    }
    return { requests: count, errorRate: count === 0 ? 0 : errors / count, p99Ms: count === 0 ? 0 : percentile(latency, count, 0.99) };
  }
}

function percentile(latency: Uint32Array, count: number, q: number): number {
  const rank = Math.ceil(count * q);
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    seen += latency[i] as number;
    if (seen >= rank) return BOUNDS[i] as number;
  }
  return BOUNDS[BOUNDS.length - 1] as number;
}
