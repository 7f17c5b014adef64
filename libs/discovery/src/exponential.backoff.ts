import type { Random } from '@meshway/clock';
import { integerOption, invalidOption } from './options.validation.js';

/** How long to wait between attempts while the registry is unreachable. */
export interface BackoffOptions {
  /** First delay in ms (default 250). */
  readonly initialMs?: number;
  /** Largest delay in ms (default 10000). */
  readonly maxMs?: number;
}

export interface ResolvedBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: ResolvedBackoff = { initialMs: 250, maxMs: 10_000 };

export function resolveBackoff(options: BackoffOptions | undefined): ResolvedBackoff {
  const initialMs = integerOption('backoff.initialMs', options?.initialMs, DEFAULT_BACKOFF.initialMs, 1, 3_600_000);
  const maxMs = integerOption('backoff.maxMs', options?.maxMs, Math.max(DEFAULT_BACKOFF.maxMs, initialMs), 1, 3_600_000);
  if (maxMs < initialMs) throw invalidOption('backoff.maxMs', maxMs, `an integer ≥ backoff.initialMs (${initialMs})`);
  return { initialMs, maxMs };
}

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, initial · 2ⁿ). The jitter keeps many clients from retrying in lockstep after an
 * outage; the floor of one half keeps a client from retrying almost at once.
 */
export class ExponentialBackoff {
  private attempt = 0;

  constructor(
    private readonly options: ResolvedBackoff,
    private readonly random: Random,
  ) {}

  /** Delay before the next attempt, in ms; each call counts as one more failure. */
  next(): number {
    const cap = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    // Past 2^30 the cap is always maxMs; stop counting so the power never overflows.
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(cap / 2 + this.random() * (cap / 2));
  }

  /** Back to the first delay, after a success. */
  reset(): void {
    this.attempt = 0;
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.attempt;
  }
}
