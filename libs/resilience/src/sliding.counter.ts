import type { Clock } from '@meshway/clock';

/**
 * Counts of two things (e.g. requests and retries, or successes and failures) over a sliding window, in `buckets` slots
 * on the injected clock: O(1) to add, O(buckets) to read, nothing allocated per event.
 */
export class SlidingCounter {
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly at: Float64Array;
  private readonly bucketMs: number;

  constructor(
    windowMs: number,
    private readonly clock: Clock,
    private readonly buckets = 10,
  ) {
    this.bucketMs = windowMs / buckets;
    this.a = new Float64Array(buckets);
    this.b = new Float64Array(buckets);
    this.at = new Float64Array(buckets).fill(-1);
  }

  add(a: number, b: number): void {
    const slot = this.slot();
    this.a[slot] = (this.a[slot] as number) + a;
    this.b[slot] = (this.b[slot] as number) + b;
  }

  /** Totals over the window: `[a, b]`. */
  totals(): [number, number] {
    const now = Math.floor(this.clock.monotonic() / this.bucketMs);
    let a = 0;
    let b = 0;
    for (let i = 0; i < this.buckets; i++) {
      if ((this.at[i] as number) <= now - this.buckets) continue;
      a += this.a[i] as number;
      b += this.b[i] as number;
    }
    return [a, b];
  }

  private slot(): number {
    const index = Math.floor(this.clock.monotonic() / this.bucketMs);
    const slot = index % this.buckets;
    if (this.at[slot] !== index) {
      this.at[slot] = index;
      this.a[slot] = 0;
      this.b[slot] = 0;
    }
    return slot;
  }
}
