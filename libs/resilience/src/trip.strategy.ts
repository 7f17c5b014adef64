import type { Clock } from '@meshway/clock';
import type { ResolvedBreakerOptions } from './breaker.options.js';
import { ConsecutiveFailuresStrategy } from './consecutive-failures.strategy.js';
import { FailureRatioStrategy } from './failure-ratio.strategy.js';

/**
 * When a closed breaker opens: told every outcome while closed (the shape of cockatiel's `IBreaker`, without its
 * serialisable state). Synchronous and allocation-free, as the gateway reports inside undici's callbacks.
 */
export interface TripStrategy {
  success(): void;
  /** True when this failure opens the breaker. */
  failure(): boolean;
  /** The breaker closed again after a probe: count afresh. */
  reset(): void;
}

export function createTripStrategy(options: ResolvedBreakerOptions, clock: Clock): TripStrategy {
  return options.mode === 'consecutive' ? new ConsecutiveFailuresStrategy(options.threshold) : new FailureRatioStrategy(options, clock);
}
