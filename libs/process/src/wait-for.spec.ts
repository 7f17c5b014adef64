import type { Clock } from '@meshway/clock';
import { describe, expect, it } from 'vitest';
import { ProcessErrorCode } from './process.errors.js';
import { pollUntil, waitFor } from './wait-for.js';

/**
 * A clock whose sleeps pass at once, moving its time forward: enough to show how many attempts a wait
 * makes and when (`@meshway/testing`'s FakeClock builds on this lib, so it cannot be used here).
 */
function steppingClock(): Clock & { readonly sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    monotonic: () => time,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    sleep: (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
}

describe('waitFor', () => {
  it('returns the first truthy value, treating throws and falsy values as "not yet"', async () => {
    const clock = steppingClock();
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 2) throw new Error('not ready');
        return calls >= 3 ? { calls } : undefined;
      },
      { clock, intervalMs: 100 },
    );
    expect(value).toEqual({ calls: 3 });
    expect(clock.sleeps).toEqual([100, 100]);
  });

  it('makes its last attempt on the deadline, then rejects naming what was awaited and the last error', async () => {
    const clock = steppingClock();
    let calls = 0;
    const failing = waitFor(
      () => {
        calls += 1;
        throw new Error('connection refused');
      },
      { clock, timeoutMs: 250, intervalMs: 100, message: 'registry up' },
    );
    await expect(failing).rejects.toMatchObject({
      code: ProcessErrorCode.Timeout,
      message: 'registry up: not true within 250 ms (last error: connection refused)',
      cause: new Error('connection refused'),
    });
    expect(clock.sleeps).toEqual([100, 100, 50]);
    expect(calls).toBe(4); // at 0, 100, 200 and 250 ms
  });

  it('ends at once with the reason when its signal aborts', async () => {
    const controller = new AbortController();
    const wait = waitFor(
      () => {
        controller.abort(new Error('child exited'));
        return false;
      },
      { clock: steppingClock(), signal: controller.signal },
    );
    await expect(wait).rejects.toEqual(new Error('child exited'));
  });

  it('passes each attempt a signal that aborts with the wait', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const wait = waitFor(
      (signal) => {
        seen = signal;
        return new Promise<boolean>(() => {
          controller.abort(new Error('stop'));
        });
      },
      { clock: steppingClock(), signal: controller.signal },
    );
    await expect(wait).rejects.toEqual(new Error('stop'));
    expect(seen?.aborted).toBe(true);
  });

  it.each([
    [{ timeoutMs: -1 }, 'timeoutMs: got -1'],
    [{ intervalMs: 0 }, 'intervalMs: got 0'],
    [{ attemptTimeoutMs: Number.NaN }, 'attemptTimeoutMs: got NaN'],
  ])('rejects bad options with MESHWAY_PROCESS_INVALID_OPTIONS (%o)', async (options, message) => {
    await expect(waitFor(() => true, options)).rejects.toMatchObject({ code: ProcessErrorCode.InvalidOptions, message: expect.stringContaining(message) });
  });
});

describe('pollUntil', () => {
  it('is true as soon as the condition holds, false once the time is up (checking on the deadline)', async () => {
    const clock = steppingClock();
    let checks = 0;
    expect(await pollUntil(() => ++checks === 3, { clock, timeoutMs: 1_000, intervalMs: 20 })).toBe(true);
    expect(await pollUntil(() => false, { clock, timeoutMs: 50, intervalMs: 20 })).toBe(false);
    expect(clock.sleeps).toEqual([20, 20, 20, 20, 10]);
  });
});
