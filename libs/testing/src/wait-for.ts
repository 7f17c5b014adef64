import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { TestingError, TestingErrorCode } from './testing.errors.js';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
  /** What was awaited, for the timeout message. */
  message?: string;
}

/**
 * Polls `probe` until it returns a truthy value and returns that value. A probe that throws counts as
 * "not yet"; its last error becomes the timeout's `cause`. Real time: for cross-process tests only —
 * unit tests drive a `FakeClock` instead.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)})`;
      throw new TestingError(TestingErrorCode.Timeout, `${options.message ?? 'waitFor'}: not true within ${timeoutMs} ms${why}`, {
        cause: lastError,
      });
    }
    await sleep(options.intervalMs ?? 50);
  }
}
