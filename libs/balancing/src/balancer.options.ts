import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import { BalancingError, BalancingErrorCode } from './balancing.errors.js';

/** Options of {@link createBalancer}; every field has a default. */
export interface BalancerOptions {
  /** Randomness for random picks, tie breaks and power-of-two choices (default `Math.random`). */
  readonly random?: Random;
  /** Time source for the EWMA decay (default the system clock). */
  readonly clock?: Clock;
  /** p2c-ewma: how fast old latency fades, in ms (time constant of the exponential decay; default 10,000 like linkerd). */
  readonly ewmaDecayMs?: number;
  /** consistent-hash: virtual nodes per instance on the ring (default 160, as ketama; 1–10,000). */
  readonly hashReplicas?: number;
}

export type ResolvedBalancerOptions = Required<BalancerOptions>;

export const BALANCER_DEFAULTS = {
  ewmaDecayMs: 10_000,
  hashReplicas: 160,
} as const;

const MAX_HASH_REPLICAS = 10_000;

function invalid(option: string, given: unknown, allowed: string): BalancingError {
  return new BalancingError(
    BalancingErrorCode.InvalidOptions,
    `Invalid balancer option ${option}: got ${show(given)}; allowed: ${allowed}`,
  );
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

/** Fills defaults and validates; throws MESHWAY_BALANCING_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveOptions(options: BalancerOptions = {}): ResolvedBalancerOptions {
  const { random = mathRandom, clock = systemClock } = options;
  const ewmaDecayMs = options.ewmaDecayMs ?? BALANCER_DEFAULTS.ewmaDecayMs;
  const hashReplicas = options.hashReplicas ?? BALANCER_DEFAULTS.hashReplicas;
  if (typeof random !== 'function') throw invalid('random', random, 'a function returning a number in [0, 1)');
  if (typeof clock !== 'object' || typeof clock.monotonic !== 'function') throw invalid('clock', clock, 'a Clock from @meshway/clock');
  if (typeof ewmaDecayMs !== 'number' || !Number.isFinite(ewmaDecayMs) || ewmaDecayMs <= 0) {
    throw invalid('ewmaDecayMs', ewmaDecayMs, 'a positive finite number of milliseconds');
  }
  if (!Number.isInteger(hashReplicas) || hashReplicas < 1 || hashReplicas > MAX_HASH_REPLICAS) {
    throw invalid('hashReplicas', hashReplicas, `an integer from 1 to ${MAX_HASH_REPLICAS}`);
  }
  return { random, clock, ewmaDecayMs, hashReplicas };
}
