import type { Random } from '@meshway/clock';

export interface BackoffOptions {
  /** First retry's ceiling, ms. Default 25. */
  readonly baseMs?: number;
  /** Largest ceiling, ms. Default 1,000. */
  readonly maxMs?: number;
}

export const BACKOFF_DEFAULTS = { baseMs: 25, maxMs: 1_000 } as const;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): retry `n` (1-based)
 * waits a uniformly random time in [0, min(max, base·2^(n−1))), which spreads retries of many callers best.
 */
export function fullJitter(retry: number, options: Required<BackoffOptions>, random: Random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** A `Retry-After` value (seconds, or an HTTP date) as ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | readonly string[] | undefined, now: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
