import { waitFor as waitOnClock } from '@meshway/process';
import { asTestingError } from './testing.errors.js';

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
 * unit tests drive a `FakeClock` instead (`waitFor` from `@meshway/process` takes a `clock`).
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  try {
    return await waitOnClock(() => probe(), options);
  } catch (error) {
    throw asTestingError(error);
  }
}
