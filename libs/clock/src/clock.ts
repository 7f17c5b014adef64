/** A handle returned by {@link Clock.setTimeout}; opaque to callers. */
export type TimerHandle = unknown;

/**
 * Time, injected. Everything that waits, expires or measures takes a Clock, so tests
 * drive it with `FakeClock` from `@meshway/testing` instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch (wall clock; for expiry and timestamps). */
  now(): number;
  /** Monotonic milliseconds (for measuring durations; never goes backwards). */
  monotonic(): number;
  /** Runs `fn` after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer made by this clock; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock, backed by `Date.now`, `performance.now` and Node timers. Timers are unref'd. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

/** `sleep` for any clock, honouring an AbortSignal. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
