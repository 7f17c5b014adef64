import type { Clock } from '@meshway/clock';

/**
 * Two running counts (requests and retries, successes and failures) over a sliding window of `buckets` slots on the
 * injected monotonic clock. The totals are kept as running sums, so adding and reading are O(1): moving on to a new slot
 * subtracts the slots that fell out of the window (at most `buckets` of them, however long the quiet spell was).
 */
export class SlidingWindow {
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly bucketMs: number;
  private head: number;
  private sumA = 0;
  private sumB = 0;

  constructor(
    windowMs: number,
    private readonly clock: Clock,
    private readonly buckets = 10,
  ) {
    this.bucketMs = windowMs / buckets;
    this.a = new Float64Array(buckets);
    this.b = new Float64Array(buckets);
    this.head = this.index();
  }

  add(a: number, b: number): void {
    this.roll();
    const slot = this.head % this.buckets;
    this.a[slot] = (this.a[slot] as number) + a;
    this.b[slot] = (this.b[slot] as number) + b;
    this.sumA += a;
    this.sumB += b;
  }

  /** The first count over the window. */
  get totalA(): number {
    this.roll();
    return this.sumA;
  }

  /** The second count over the window. */
  get totalB(): number {
    this.roll();
    return this.sumB;
  }

  clear(): void {
    this.a.fill(0);
    this.b.fill(0);
    this.sumA = 0;
    this.sumB = 0;
  }

  private index(): number {
    return Math.floor(this.clock.monotonic() / this.bucketMs);
  }

  private roll(): void {
    const now = this.index();
    if (now <= this.head) return;
    if (now - this.head >= this.buckets) this.clear();
    else {
      for (let i = this.head + 1; i <= now; i++) {
        const slot = i % this.buckets;
        this.sumA -= this.a[slot] as number;
        this.sumB -= this.b[slot] as number;
        this.a[slot] = 0;
        this.b[slot] = 0;
      }
    }
    this.head = now;
  }
}
