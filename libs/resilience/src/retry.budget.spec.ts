import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { resolveRetryBudgetOptions, RetryBudget } from './retry.budget.js';

function spend(budget: RetryBudget): number {
  let allowed = 0;
  while (budget.tryWithdraw()) allowed++;
  return allowed;
}

describe('RetryBudget', () => {
  it('allows retries up to ratio × requests over the window, plus the floor', () => {
    const budget = new RetryBudget({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 1 }, new FakeClock());
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(budget.available).toBe(30); // 20 % of 100, plus 1/s over 10 s
    expect(spend(budget)).toBe(30);
    expect(budget.available).toBe(0);
    expect(budget.refusedCount).toBe(1);
  });

  it('lets a quiet upstream retry thanks to the floor (10/s by default)', () => {
    const budget = new RetryBudget({}, new FakeClock());
    budget.recordRequest();
    expect(spend(budget)).toBe(100); // 10/s × 10 s, + 20 % of 1 request rounded down
  });

  it('never retries with ratio 0 and no floor', () => {
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 0 }, new FakeClock());
    for (let i = 0; i < 1_000; i++) budget.recordRequest();
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('counts whole retries: 10 % of 30 requests is 3, not 3.0000000000000004', () => {
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0 }, new FakeClock());
    for (let i = 0; i < 30; i++) budget.recordRequest();
    expect(spend(budget)).toBe(3);
  });

  it('forgets requests and retries as the window slides past them', async () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0.5, windowMs: 10_000, minRetriesPerSecond: 0 }, clock);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(spend(budget)).toBe(5);
    await clock.advance(5_000);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(spend(budget)).toBe(5); // 20 requests, 10 retries in the window
    await clock.advance(5_000); // the first 10 requests and 5 retries leave
    expect(budget.available).toBe(0);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(budget.available).toBe(5);
    await clock.advance(60_000); // a long quiet spell empties it
    expect(budget.available).toBe(0);
    budget.recordRequest();
    budget.recordRequest();
    expect(budget.available).toBe(1);
  });

  it('limits the retries of an outage to a share of the traffic, not a multiple of it', () => {
    const budget = new RetryBudget({}, new FakeClock());
    let sent = 0;
    // 1,000 requests in one second, every attempt failing, each allowed 2 retries by its policy.
    for (let i = 0; i < 1_000; i++) {
      budget.recordRequest();
      sent++;
      for (let retry = 0; retry < 2 && budget.tryWithdraw(); retry++) sent++;
    }
    expect(sent).toBeLessThanOrEqual(1_000 + 0.2 * 1_000 + 100);
  });
});

describe('resolveRetryBudgetOptions', () => {
  it('defaults to 20 % over 10 s with a floor of 10 retries/s', () => {
    expect(resolveRetryBudgetOptions()).toEqual({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 10 });
  });

  it.each([
    [{ ratio: -0.1 }, 'budget.ratio: got -0.1'],
    [{ ratio: Number.NaN }, 'budget.ratio: got NaN'],
    [{ windowMs: 10 }, 'budget.windowMs: got 10; allowed: an integer from 100 to 3600000'],
    [{ minRetriesPerSecond: 1.5 }, 'budget.minRetriesPerSecond: got 1.5'],
    [{ window: 10 }, 'budget.window: got 10; allowed: no such option'],
  ])('refuses %j naming it', (options, message) => {
    expect(() => resolveRetryBudgetOptions(options as never)).toThrow(expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(message) }) as Error);
  });
});
