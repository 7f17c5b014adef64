import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { currentDeadline, runWithDeadline } from './deadline.context.js';
import { DEADLINE_HEADER, Deadline, MAX_DEADLINE_MS, parseTimeoutHeader, timeoutHeaderValue } from './deadline.js';

describe('x-request-timeout', () => {
  it('is the header the budget travels in, HTTP and NATS alike', () => {
    expect(DEADLINE_HEADER).toBe('x-request-timeout');
  });

  it.each([
    ['1', 1],
    ['250', 250],
    [String(MAX_DEADLINE_MS), MAX_DEADLINE_MS],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseTimeoutHeader(value)).toBe(ms);
  });

  it.each([
    ['zero', '0'],
    ['a negative number', '-5'],
    ['a plus sign', '+5'],
    ['a fraction', '1.5'],
    ['an exponent', '1e3'],
    ['a leading zero', '0250'],
    ['spaces', ' 250'],
    ['words', 'soon'],
    ['an empty value', ''],
    ['more than a day', String(MAX_DEADLINE_MS + 1)],
    ['a huge number', '999999999999999999999'],
    ['hex', '0x10'],
    ['an array of values (a repeated header)', ['100', '200']],
    ['a number instead of a string', 250],
    ['nothing', undefined],
  ])('refuses %s with MESHWAY_INVALID_DEADLINE', (_what, value) => {
    expect(() => parseTimeoutHeader(value)).toThrow(expect.objectContaining({ code: 'MESHWAY_INVALID_DEADLINE', message: expect.stringContaining('x-request-timeout') }) as Error);
  });

  it('writes a remaining budget rounded down, never below 1 (0 would read as no deadline)', () => {
    expect(timeoutHeaderValue(179.9)).toBe('179');
    expect(timeoutHeaderValue(0.2)).toBe('1');
    expect(timeoutHeaderValue(-5)).toBe('1');
  });
});

describe('Deadline', () => {
  it('is an absolute point on the monotonic clock that counts down and expires', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(300, clock);
    expect(deadline.at).toBe(clock.monotonic() + 300);
    await clock.advance(120);
    expect(deadline.remaining(clock)).toBe(180);
    expect(deadline.expired(clock)).toBe(false);
    expect(deadline.toHeader(clock)).toBe('180');
    await clock.advance(180);
    expect(deadline.remaining(clock)).toBe(0);
    expect(deadline.expired(clock)).toBe(true);
    await clock.advance(50);
    expect(deadline.remaining(clock)).toBe(0);
  });

  it('is made from a caller\'s header, counted from when it arrived', () => {
    const clock = new FakeClock();
    expect(Deadline.fromHeader('750', clock).remaining(clock)).toBe(750);
    expect(() => Deadline.fromHeader('-1', clock)).toThrow(expect.objectContaining({ code: 'MESHWAY_INVALID_DEADLINE' }) as Error);
  });

  it('narrows to an earlier budget but never extends', () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(500, clock);
    expect(deadline.within(800, clock)).toBe(deadline);
    expect(deadline.within(100, clock).remaining(clock)).toBe(100);
  });

  it('throws MESHWAY_DEADLINE_EXCEEDED once spent, naming the work not started', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(10, clock);
    expect(() => { deadline.throwIfExpired(clock, 'GET /users'); }).not.toThrow();
    await clock.advance(25);
    expect(() => { deadline.throwIfExpired(clock, 'GET /users'); }).toThrow(
      expect.objectContaining({ code: 'MESHWAY_DEADLINE_EXCEEDED', message: 'The deadline for GET /users passed 15 ms ago; not started' }) as Error,
    );
  });
});

describe('deadline context', () => {
  const clock = new FakeClock();

  it('is inherited by everything awaited inside runWithDeadline, and only there', async () => {
    const deadline = Deadline.after(1_000, clock);
    expect(currentDeadline()).toBeUndefined();
    const seen = await runWithDeadline(deadline, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return new Promise((resolve) => setTimeout(() => { resolve(currentDeadline()); }, 1));
    });
    expect(seen).toBe(deadline);
    expect(currentDeadline()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const a = Deadline.after(100, clock);
    const b = Deadline.after(200, clock);
    const seen = await Promise.all([a, b].map((deadline) => runWithDeadline(deadline, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentDeadline();
    })));
    expect(seen).toEqual([a, b]);
  });

  it('lets the earlier deadline win when nested: inner work never gets more time than its request', () => {
    const outer = Deadline.after(100, clock);
    const later = Deadline.after(500, clock);
    const sooner = Deadline.after(50, clock);
    expect(runWithDeadline(outer, () => runWithDeadline(later, currentDeadline))).toBe(outer);
    expect(runWithDeadline(outer, () => runWithDeadline(sooner, currentDeadline))).toBe(sooner);
  });
});
