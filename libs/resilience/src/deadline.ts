import type { Clock } from '@meshway/clock';
import { ResilienceError, ResilienceErrorCode } from './resilience.errors.js';

/** The header (HTTP and NATS alike) carrying the caller's remaining budget in whole ms: relative, so clocks need not agree. */
export const DEADLINE_HEADER = 'x-request-timeout';

/** Budgets beyond a day are refused: nobody means them, and they near the limit of Node timers. */
export const MAX_DEADLINE_MS = 86_400_000;

const WHOLE_MS = /^[1-9][0-9]{0,11}$/;

/**
 * Reads an `x-request-timeout` value strictly: a positive whole number of ms (no sign, no leading zero, no fraction, no
 * spaces) up to {@link MAX_DEADLINE_MS}. Anything else, an array of values included, is MESHWAY_INVALID_DEADLINE.
 */
export function parseTimeoutHeader(value: unknown): number {
  const ms = typeof value === 'string' && WHOLE_MS.test(value) ? Number(value) : Number.NaN;
  if (!(ms <= MAX_DEADLINE_MS)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
    throw new ResilienceError(ResilienceErrorCode.InvalidDeadline, `${DEADLINE_HEADER} must be a positive whole number of milliseconds up to ${MAX_DEADLINE_MS}; got ${shown}`);
  }
  return ms;
}

/** The header value for a remaining budget: whole ms rounded down (a hop never grants more than it has), at least 1. */
export function timeoutHeaderValue(remainingMs: number): string {
  return String(Math.max(1, Math.floor(remainingMs)));
}

/**
 * A point in time by which work must be done, in ms on `clock.monotonic()` of this process (never the wall clock: it
 * jumps). An immutable value: read it with the clock it was made on.
 */
export class Deadline {
  constructor(
    /** Monotonic ms. */
    readonly at: number,
  ) {}

  /** The deadline `budgetMs` from now. */
  static after(budgetMs: number, clock: Clock): Deadline {
    return new Deadline(clock.monotonic() + budgetMs);
  }

  /** The deadline a caller sent in `x-request-timeout`, counted from now; MESHWAY_INVALID_DEADLINE when the value is bad. */
  static fromHeader(value: unknown, clock: Clock): Deadline {
    return Deadline.after(parseTimeoutHeader(value), clock);
  }

  /** Ms left, never below 0. */
  remaining(clock: Clock): number {
    return Math.max(0, this.at - clock.monotonic());
  }

  expired(clock: Clock): boolean {
    return clock.monotonic() >= this.at;
  }

  /** The earlier of this deadline and `budgetMs` from now (this same object when it is the earlier). */
  within(budgetMs: number, clock: Clock): Deadline {
    const at = clock.monotonic() + budgetMs;
    return at < this.at ? new Deadline(at) : this;
  }

  /** The `x-request-timeout` value to send on an outgoing call made now. */
  toHeader(clock: Clock): string {
    return timeoutHeaderValue(this.remaining(clock));
  }

  /** MESHWAY_DEADLINE_EXCEEDED when the budget is spent; `what` names the work that was not started. */
  throwIfExpired(clock: Clock, what = 'the call'): void {
    const late = clock.monotonic() - this.at;
    if (late >= 0) throw new ResilienceError(ResilienceErrorCode.DeadlineExceeded, `The deadline for ${what} passed ${Math.ceil(late)} ms ago; not started`);
  }
}
