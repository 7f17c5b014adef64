import type { Clock } from '@meshway/clock';
import { integerOption, msOption, numberOption, optionsObject } from './option.checks.js';
import { SlidingWindow } from './sliding.window.js';

export interface RetryBudgetOptions {
  /** Retries allowed as a share of the requests in the window. Default 0.2 (20 %). */
  readonly ratio?: number;
  /** The sliding window, ms (10 buckets). Default 10,000. */
  readonly windowMs?: number;
  /** Retries always allowed per second of window whatever the traffic, so a quiet upstream can still retry. Default 10. */
  readonly minRetriesPerSecond?: number;
}

export type ResolvedRetryBudgetOptions = Required<RetryBudgetOptions>;

export const RETRY_BUDGET_DEFAULTS: ResolvedRetryBudgetOptions = Object.freeze({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 10 });

export function resolveRetryBudgetOptions(given: RetryBudgetOptions = {}, path = 'budget'): ResolvedRetryBudgetOptions {
  const o = optionsObject(given, path, ['ratio', 'windowMs', 'minRetriesPerSecond']);
  return Object.freeze({
    ratio: numberOption(o.ratio ?? RETRY_BUDGET_DEFAULTS.ratio, `${path}.ratio`, 0, 10),
    windowMs: msOption(o.windowMs ?? RETRY_BUDGET_DEFAULTS.windowMs, `${path}.windowMs`, 100, 3_600_000),
    minRetriesPerSecond: integerOption(o.minRetriesPerSecond ?? RETRY_BUDGET_DEFAULTS.minRetriesPerSecond, `${path}.minRetriesPerSecond`, 0, 1_000_000),
  });
}

/**
 * Retries to one upstream service stay within `ratio` of its requests over a sliding window, plus a floor of
 * `minRetriesPerSecond` × the window's seconds (Finagle's and Linkerd's retry budget). When every instance fails,
 * retries add at most that share of load instead of multiplying an outage by the attempt count. O(1) per call.
 */
export class RetryBudget {
  readonly options: ResolvedRetryBudgetOptions;
  private readonly window: SlidingWindow;
  private readonly floor: number;
  private refused = 0;

  constructor(options: RetryBudgetOptions, clock: Clock) {
    this.options = resolveRetryBudgetOptions(options);
    this.window = new SlidingWindow(this.options.windowMs, clock);
    this.floor = this.options.minRetriesPerSecond * (this.options.windowMs / 1000);
  }

  /** A request went out (its first attempt; retries are counted by `tryWithdraw`). */
  recordRequest(): void {
    this.window.add(1, 0);
  }

  /** Takes one retry from the budget: true when there was room (and it is now counted), false when it is spent. */
  tryWithdraw(): boolean {
    if (this.window.totalB >= this.allowance()) {
      this.refused++;
      return false;
    }
    this.window.add(0, 1);
    return true;
  }

  /** Retries the budget would still allow now. */
  get available(): number {
    return Math.max(0, this.allowance() - this.window.totalB);
  }

  /** Retries allowed in the window, whole (the epsilon keeps 0.1 × 30 at 3, not 3.0000000000000004 → 3 or 2.9999… → 2). */
  private allowance(): number {
    return Math.floor(this.floor + this.options.ratio * this.window.totalA + 1e-9);
  }

  /** Retries refused since start (a counter for metrics). */
  get refusedCount(): number {
    return this.refused;
  }
}
