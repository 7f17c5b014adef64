import type { TripStrategy } from './trip.strategy.js';

/** Opens after `threshold` failures in a row; any success starts the count again. */
export class ConsecutiveFailuresStrategy implements TripStrategy {
  private failures = 0;

  constructor(private readonly threshold: number) {}

  success(): void {
    this.failures = 0;
  }

  failure(): boolean {
    return ++this.failures >= this.threshold;
  }

  reset(): void {
    this.failures = 0;
  }
}
