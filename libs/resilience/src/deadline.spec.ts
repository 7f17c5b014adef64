import { describe, expect, it } from 'vitest';
import { FakeClock } from '@meshway/testing';
import { currentDeadline, Deadline, parseTimeoutHeader, runWithDeadline, timeoutHeaderValue } from './deadline.js';

describe('deadlines', () => {
  it.each([['250', 250], ['86400000', 86_400_000]])('reads x-request-timeout %s', (value, ms) => {
    expect(parseTimeoutHeader(value)).toBe(ms);
  });

  it.each(['0', '-5', '1.5', 'abc', '', '86400001', '99999999999'])('refuses x-request-timeout %j', (value) => {
    expect(() => parseTimeoutHeader(value)).toThrow(expect.objectContaining({ code: 'MESHWAY_INVALID_DEADLINE' }) as Error);
  });

  it('counts down on the clock and never grants more than is left', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(300, clock);
    await clock.advance(120);
    expect(deadline.remainingMs()).toBe(180);
    expect(deadline.within(500)).toBe(deadline);
    expect(deadline.within(100).remainingMs()).toBe(100);
    expect(timeoutHeaderValue(179.9)).toBe('179');
    expect(timeoutHeaderValue(0.2)).toBe('1');
    await clock.advance(200);
    expect(deadline.expired).toBe(true);
  });

  it('is inherited by everything awaited inside runWithDeadline, and only there', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(1_000, clock);
    expect(currentDeadline()).toBeUndefined();
    const seen = await runWithDeadline(deadline, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return Promise.resolve().then(() => currentDeadline());
    });
    expect(seen).toBe(deadline);
    expect(currentDeadline()).toBeUndefined();
  });
});
