import { describe, expect, it } from 'vitest';
import { sleepOn, systemClock } from './clock.js';

describe('systemClock', () => {
  it('has a monotonic time that never goes backwards', () => {
    const a = systemClock.monotonic();
    const b = systemClock.monotonic();
    expect(b).toBeGreaterThanOrEqual(a);
  });

  it('rejects a sleep at once when its signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(sleepOn(systemClock, 60_000, controller.signal)).rejects.toThrow('stop');
  });
});
