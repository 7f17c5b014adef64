import { inspect } from 'node:util';
import { systemClock, type Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { invalidOption, ProcessError, ProcessErrorCode } from './process.errors.js';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long, ms. Default 10 000. */
  readonly timeoutMs?: number;
  /** Pause between attempts, ms. Default 50. */
  readonly intervalMs?: number;
  /** Abandon one attempt after this long (its signal aborts) and count it as "not yet", ms. Default: no limit. */
  readonly attemptTimeoutMs?: number;
  /** Time source for the pauses and deadlines. Default `systemClock`; tests pass a `FakeClock`. */
  readonly clock?: Clock;
  /** Aborting it ends the wait at once, rejecting with the signal's reason. */
  readonly signal?: AbortSignal;
  /** What is awaited, for the timeout message. Default `waitFor`. */
  readonly message?: string;
}

/** One attempt: a value (truthy = done), or a throw (= not yet). `signal` aborts when the attempt is abandoned. */
export type WaitProbe<T> = (signal: AbortSignal) => T | Promise<T>;

/**
 * Runs `probe` until it returns a truthy value, and returns that value. A falsy value or a throw counts
 * as "not yet"; the last attempt lands on the deadline. Out of time → `MESHWAY_PROCESS_TIMEOUT` whose
 * `cause` is the last error thrown.
 */
export async function waitFor<T>(probe: WaitProbe<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { clock = systemClock, timeoutMs = 10_000, intervalMs = 50, signal } = options;
  positive('timeoutMs', timeoutMs, true);
  positive('intervalMs', intervalMs, false);
  if (options.attemptTimeoutMs !== undefined) positive('attemptTimeoutMs', options.attemptTimeoutMs, false);
  const started = clock.monotonic();
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await attempt(probe, clock, options.attemptTimeoutMs, signal);
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    signal?.throwIfAborted();
    const remaining = timeoutMs - (clock.monotonic() - started);
    if (remaining <= 0) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? errorMessage(lastError) : inspect(lastError)})`;
      throw new ProcessError(ProcessErrorCode.Timeout, `${options.message ?? 'waitFor'}: not true within ${timeoutMs} ms${why}`, { cause: lastError });
    }
    await clock.sleep(Math.min(intervalMs, remaining), signal);
  }
}

/** Options of {@link pollUntil}. */
export interface PollOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** Checks `condition` every `intervalMs` until it holds (true) or `timeoutMs` passes (false); the last check lands on the deadline. */
export async function pollUntil(condition: () => boolean, options: PollOptions): Promise<boolean> {
  const { clock, timeoutMs, intervalMs } = options;
  const deadline = clock.monotonic() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    const remaining = deadline - clock.monotonic();
    if (remaining <= 0) return false;
    await clock.sleep(Math.min(intervalMs, remaining));
  }
}

/** One probe call, abandoned (rejected) when its own timeout passes or the caller's signal aborts. */
async function attempt<T>(probe: WaitProbe<T>, clock: Clock, attemptTimeoutMs: number | undefined, outer: AbortSignal | undefined): Promise<T> {
  const controller = new AbortController();
  const onOuterAbort = (): void => {
    controller.abort(outer?.reason);
  };
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer =
    attemptTimeoutMs === undefined
      ? undefined
      : clock.setTimeout(() => {
          controller.abort(new Error(`no answer within ${attemptTimeoutMs} ms`));
        }, attemptTimeoutMs);
  let onAbandon: (() => void) | undefined;
  // A probe that ignores its signal must not hold the wait: the race settles when the signal aborts.
  const abandoned = new Promise<never>((_resolve, reject) => {
    onAbandon = () => {
      reject(controller.signal.reason as Error);
    };
    controller.signal.addEventListener('abort', onAbandon, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => probe(controller.signal)), abandoned]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    if (onAbandon) controller.signal.removeEventListener('abort', onAbandon);
  }
}

function positive(option: string, value: number, allowZero: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalidOption('waitFor option', option, value, allowZero ? 'a finite number of ms ≥ 0' : 'a finite number of ms > 0');
  }
}
