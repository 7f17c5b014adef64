import { integerOption, msOption, numberOption, oneOfOption, optionsObject } from './option.checks.js';
import { invalidOption } from './resilience.errors.js';

export const BREAKER_MODES = ['consecutive', 'ratio'] as const;
export type BreakerMode = (typeof BREAKER_MODES)[number];

/**
 * A circuit breaker per instance. `mode: 'consecutive'` opens after `threshold` failures in a row; `mode: 'ratio'` when
 * failures reach `ratio` of the requests over `windowMs`, once `minThroughput` requests were seen there.
 */
export interface BreakerOptions {
  /** Default `'consecutive'`. */
  readonly mode?: BreakerMode;
  /** consecutive: failures in a row that open it. Default 5. */
  readonly threshold?: number;
  /** ratio: the failure share (0–1] that opens it. Default 0.5. */
  readonly ratio?: number;
  /** ratio: the sliding window, ms (10 buckets). Default 10,000. */
  readonly windowMs?: number;
  /** ratio: requests the window must have seen before the ratio counts. Default 20. */
  readonly minThroughput?: number;
  /** How long it stays open before admitting probes, ms. Default 5,000. */
  readonly openMs?: number;
  /** Each failed probe doubles the open time up to this, ms; equal to `openMs` keeps it constant. Default 30,000. */
  readonly maxOpenMs?: number;
  /** Concurrent probe requests admitted while half-open. Default 1. */
  readonly halfOpenProbes?: number;
}

interface Timing {
  readonly openMs: number;
  readonly maxOpenMs: number;
  readonly halfOpenProbes: number;
}

export type ResolvedBreakerOptions =
  | (Timing & { readonly mode: 'consecutive'; readonly threshold: number })
  | (Timing & { readonly mode: 'ratio'; readonly ratio: number; readonly windowMs: number; readonly minThroughput: number });

export const BREAKER_DEFAULTS = Object.freeze({
  mode: 'consecutive',
  threshold: 5,
  ratio: 0.5,
  windowMs: 10_000,
  minThroughput: 20,
  openMs: 5_000,
  maxOpenMs: 30_000,
  halfOpenProbes: 1,
});

const KEYS = ['mode', 'threshold', 'ratio', 'windowMs', 'minThroughput', 'openMs', 'maxOpenMs', 'halfOpenProbes'] as const;
const RATIO_ONLY = ['ratio', 'windowMs', 'minThroughput'] as const;

export function resolveBreakerOptions(given: BreakerOptions = {}, path = 'breaker'): ResolvedBreakerOptions {
  const o = optionsObject(given, path, KEYS);
  const mode = oneOfOption(o.mode ?? BREAKER_DEFAULTS.mode, `${path}.mode`, BREAKER_MODES);
  const openMs = msOption(o.openMs ?? BREAKER_DEFAULTS.openMs, `${path}.openMs`);
  const maxOpenMs = msOption(o.maxOpenMs ?? Math.max(BREAKER_DEFAULTS.maxOpenMs, openMs), `${path}.maxOpenMs`);
  if (maxOpenMs < openMs) throw invalidOption(`${path}.maxOpenMs`, maxOpenMs, `at least openMs (${openMs})`);
  const timing = { openMs, maxOpenMs, halfOpenProbes: integerOption(o.halfOpenProbes ?? BREAKER_DEFAULTS.halfOpenProbes, `${path}.halfOpenProbes`, 1, 1_000) };
  if (mode === 'consecutive') {
    for (const key of RATIO_ONLY) if (o[key] !== undefined) throw invalidOption(`${path}.${key}`, o[key], 'only with mode "ratio"');
    return Object.freeze({ mode, threshold: integerOption(o.threshold ?? BREAKER_DEFAULTS.threshold, `${path}.threshold`, 1, 1_000_000), ...timing });
  }
  if (o.threshold !== undefined) throw invalidOption(`${path}.threshold`, o.threshold, 'only with mode "consecutive"');
  return Object.freeze({
    mode,
    ratio: numberOption(o.ratio ?? BREAKER_DEFAULTS.ratio, `${path}.ratio`, 0, 1, true),
    windowMs: msOption(o.windowMs ?? BREAKER_DEFAULTS.windowMs, `${path}.windowMs`, 100, 3_600_000),
    minThroughput: integerOption(o.minThroughput ?? BREAKER_DEFAULTS.minThroughput, `${path}.minThroughput`, 1, 1_000_000),
    ...timing,
  });
}
