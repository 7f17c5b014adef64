import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '@meshway/clock';
import { ResilienceError, ResilienceErrorCode } from './resilience.errors.js';

/** The header (HTTP and NATS alike) that carries the remaining budget in whole milliseconds, relative so clocks need not agree. */
export const DEADLINE_HEADER = 'x-request-timeout';

/** Budgets beyond this (a day) are refused: nobody means them, and they would overflow timers. */
export const MAX_TIMEOUT_MS = 86_400_000;

const TIMEOUT_VALUE = /^[1-9][0-9]{0,9}$/;

/** Reads an `x-request-timeout` value: a positive whole number of ms up to a day; anything else is MESHWAY_INVALID_DEADLINE. */
export function parseTimeoutHeader(value: string): number {
  const ms = TIMEOUT_VALUE.test(value) ? Number(value) : Number.NaN;
  if (!(ms <= MAX_TIMEOUT_MS)) throw new ResilienceError(ResilienceErrorCode.InvalidDeadline, `x-request-timeout must be a positive integer of milliseconds up to ${MAX_TIMEOUT_MS}, got ${JSON.stringify(value.slice(0, 40))}`);
  return ms;
}

/** The header value for a remaining budget: whole ms rounded down (a hop never grants more than it has), at least 1. */
export function timeoutHeaderValue(remainingMs: number): string {
  return String(Math.max(1, Math.floor(remainingMs)));
}

/** An absolute point in time (ms on `clock.now()`) by which a piece of work must be done. */
export class Deadline {
  constructor(
    /** Epoch ms on the clock that made it. */
    readonly at: number,
    private readonly clock: Clock,
  ) {}

  /** A deadline `budgetMs` from now. */
  static after(budgetMs: number, clock: Clock): Deadline {
    return new Deadline(clock.now() + budgetMs, clock);
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.clock.now());
  }

  get expired(): boolean {
    return this.clock.now() >= this.at;
  }

  /** The earlier of this deadline and `budgetMs` from now. */
  within(budgetMs: number): Deadline {
    const at = Math.min(this.at, this.clock.now() + budgetMs);
    return at === this.at ? this : new Deadline(at, this.clock);
  }
}

const context = new AsyncLocalStorage<Deadline>();

/**
 * Runs `fn` with `deadline` as the current one: calls made inside it (MeshClient) inherit what is left of it, however
 * deep the await chain. The Nest adapter does this for every request a service handles.
 */
export function runWithDeadline<T>(deadline: Deadline, fn: () => T): T {
  return context.run(deadline, fn);
}

/** The deadline of the request being served, if any. */
export function currentDeadline(): Deadline | undefined {
  return context.getStore();
}
