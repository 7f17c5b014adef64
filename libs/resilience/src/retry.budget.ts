import type { Clock } from '@meshway/clock';
import { SlidingCounter } from './sliding.counter.js';

export interface RetryBudgetOptions {
  /** Retries allowed as a share of requests in the window. Default 0.2. */
  readonly ratio?: number;
  /** Retries always allowed, per second of the window, whatever the traffic (so a quiet service can still retry). Default 5. */
  readonly minRetriesPerSecond?: number;
  /** The sliding window, ms. Default 10,000. */
  readonly windowMs?: number;
}

export const RETRY_BUDGET_DEFAULTS = { ratio: 0.2, minRetriesPerSecond: 5, windowMs: 10_000 } as const;

/**
 * Retries to one upstream may be at most `ratio` of its requests over a sliding window, plus a small floor (Finagle's
 * and Linkerd's retry budget): when every instance fails, retries add at most that share of load instead of
 * multiplying an outage by the attempt count.
 */
export class RetryBudget {
  private readonly counter: SlidingCounter;
  private readonly ratio: number;
  private readonly floor: number;
  private exhausted = 0;

  constructor(options: RetryBudgetOptions, clock: Clock) {
    const windowMs = options.windowMs ?? RETRY_BUDGET_DEFAULTS.windowMs;
    this.counter = new SlidingCounter(windowMs, clock);
    this.ratio = options.ratio ?? RETRY_BUDGET_DEFAULTS.ratio;
    this.floor = (options.minRetriesPerSecond ?? RETRY_BUDGET_DEFAULTS.minRetriesPerSecond) * (windowMs / 1000);
  }

  /** A first attempt (not a retry) went out. */
  recordRequest(): void {
    this.counter.add(1, 0);
  }

  /** Takes one retry from the budget; false (and counted) when it is spent. */
  tryWithdraw(): boolean {
    const [requests, retries] = this.counter.totals();
    if (retries >= this.floor + this.ratio * requests) {
      this.exhausted++;
      return false;
    }
    this.counter.add(0, 1);
    return true;
  }

  /** Retries refused because the budget was spent, since start (for metrics). */
  get exhaustedCount(): number {
    return this.exhausted;
  }
}
