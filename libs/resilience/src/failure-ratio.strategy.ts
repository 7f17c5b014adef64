import type { Clock } from '@meshway/clock';
import { SlidingWindow } from './sliding.window.js';
import type { TripStrategy } from './trip.strategy.js';

export interface FailureRatioOptions {
  readonly ratio: number;
  readonly windowMs: number;
  readonly minThroughput: number;
}

/**
 * Opens when failures reach `ratio` of the outcomes over a sliding window, once the window saw `minThroughput` of them
 * (a quiet instance with one failure out of two is not broken). O(1) per outcome.
 */
export class FailureRatioStrategy implements TripStrategy {
  private readonly window: SlidingWindow;

  constructor(
    private readonly options: FailureRatioOptions,
    clock: Clock,
  ) {
    this.window = new SlidingWindow(options.windowMs, clock);
  }

  success(): void {
    this.window.add(1, 0);
  }

  failure(): boolean {
    this.window.add(0, 1);
    const failures = this.window.totalB;
    const total = this.window.totalA + failures;
    return total >= this.options.minThroughput && failures >= this.options.ratio * total;
  }

  reset(): void {
    this.window.clear();
  }
}
