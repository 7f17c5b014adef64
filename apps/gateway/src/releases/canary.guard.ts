import type { ReleaseGuard } from './release.schema.js';
import type { WindowStats } from './outcome.window.js';

export type GuardVerdict = { readonly rollback: false } | { readonly rollback: true; readonly reason: string };

const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;

/**
 * The automatic rollback rule: once the canary served `minRequests` in the window, it is rolled back when its 5xx ratio
 * exceeds the stable version's by more than `maxErrorRateDelta`, or (when set) its p99 exceeds the stable p99 by more
 * than `maxP99DeltaMs`. With too little stable traffic to compare (a canary at 100 %), the stable side counts as perfect.
 */
export function judgeCanary(guard: ReleaseGuard, canary: WindowStats, stable: WindowStats): GuardVerdict {
  if (canary.requests < guard.minRequests) return { rollback: false };
  const comparable = stable.requests >= guard.minRequests;
  const stableErrors = comparable ? stable.errorRate : 0;
  if (canary.errorRate - stableErrors > guard.maxErrorRateDelta) {
    return {
      rollback: true,
      reason: `canary 5xx ratio ${pct(canary.errorRate)} over ${canary.requests} requests vs stable ${pct(stableErrors)}` +
        ` (allowed +${pct(guard.maxErrorRateDelta)}) in the last ${guard.windowSec} s`,
    };
  }
  if (guard.maxP99DeltaMs !== undefined && comparable && canary.p99Ms - stable.p99Ms > guard.maxP99DeltaMs) {
    return {
      rollback: true,
      reason: `canary p99 ${canary.p99Ms.toFixed(1)} ms vs stable ${stable.p99Ms.toFixed(1)} ms (allowed +${guard.maxP99DeltaMs} ms) in the last ${guard.windowSec} s`,
    };
  }
  return { rollback: false };
}
