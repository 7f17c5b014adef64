import { integerOption, msOption, numberOption, optionsObject } from './option.checks.js';
import { invalidOption } from './resilience.errors.js';

/** Passive outlier detection per upstream service (Envoy's `outlier_detection`, the consecutive-failure detectors). */
export interface OutlierOptions {
  /** 5xx answers in a row that eject an instance. Default 5. */
  readonly consecutive5xx?: number;
  /** Gateway failures in a row (refused or broken connections, timeouts) that eject it. Default 3. */
  readonly consecutiveGatewayFailures?: number;
  /** Connections that never got through, in a row, that eject it. Default 1: a stopped instance leaves at once. */
  readonly consecutiveConnectFailures?: number;
  /** The first ejection, ms; the n-th lasts n times as long. Default 5,000. */
  readonly baseEjectionMs?: number;
  /** The longest ejection, ms. Default 60,000. */
  readonly maxEjectionMs?: number;
  /** Most instances ejected at once, percent; and never the last one not ejected. Default 50. */
  readonly maxEjectionPercent?: number;
}

export type ResolvedOutlierOptions = Required<OutlierOptions>;

export const OUTLIER_DEFAULTS: ResolvedOutlierOptions = Object.freeze({
  consecutive5xx: 5,
  consecutiveGatewayFailures: 3,
  consecutiveConnectFailures: 1,
  baseEjectionMs: 5_000,
  maxEjectionMs: 60_000,
  maxEjectionPercent: 50,
});

const KEYS = Object.keys(OUTLIER_DEFAULTS) as (keyof OutlierOptions)[];

export function resolveOutlierOptions(given: OutlierOptions = {}, path = 'outlier'): ResolvedOutlierOptions {
  const o = optionsObject(given, path, KEYS);
  const count = (key: 'consecutive5xx' | 'consecutiveGatewayFailures' | 'consecutiveConnectFailures'): number =>
    integerOption(o[key] ?? OUTLIER_DEFAULTS[key], `${path}.${key}`, 1, 1_000_000);
  const baseEjectionMs = msOption(o.baseEjectionMs ?? OUTLIER_DEFAULTS.baseEjectionMs, `${path}.baseEjectionMs`);
  const maxEjectionMs = msOption(o.maxEjectionMs ?? Math.max(OUTLIER_DEFAULTS.maxEjectionMs, baseEjectionMs), `${path}.maxEjectionMs`);
  if (maxEjectionMs < baseEjectionMs) throw invalidOption(`${path}.maxEjectionMs`, maxEjectionMs, `at least baseEjectionMs (${baseEjectionMs})`);
  return Object.freeze({
    consecutive5xx: count('consecutive5xx'),
    consecutiveGatewayFailures: count('consecutiveGatewayFailures'),
    consecutiveConnectFailures: count('consecutiveConnectFailures'),
    baseEjectionMs,
    maxEjectionMs,
    maxEjectionPercent: numberOption(o.maxEjectionPercent ?? OUTLIER_DEFAULTS.maxEjectionPercent, `${path}.maxEjectionPercent`, 0, 100),
  });
}
