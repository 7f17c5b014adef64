import { describe, expect, it } from 'vitest';
import { FakeClock } from '@meshway/testing';
import { judgeCanary } from './canary.guard.js';
import { OutcomeWindow } from './outcome.window.js';

const guard = { windowSec: 10, minRequests: 10, maxErrorRateDelta: 0.05, maxP99DeltaMs: 100 };

describe('outcome window', () => {
  it('counts requests, errors and a p99 over the last windowSec seconds only', async () => {
    const clock = new FakeClock();
    const window = new OutcomeWindow(10, clock);
    for (let i = 0; i < 99; i++) window.record(false, 10);
    window.record(true, 400);
    expect(window.stats()).toMatchObject({ requests: 100, errorRate: 0.01 });
    expect(window.stats().p99Ms).toBeGreaterThanOrEqual(10);
    expect(window.stats().p99Ms).toBeLessThan(12.5);
    await clock.advance(9_000);
    window.record(true, 5);
    expect(window.stats().requests).toBe(101);
    await clock.advance(1_500);
    expect(window.stats()).toMatchObject({ requests: 1, errorRate: 1 });
    await clock.advance(10_000);
    expect(window.stats()).toEqual({ requests: 0, errorRate: 0, p99Ms: 0 });
  });
});

describe('canary guard', () => {
  const stats = (requests: number, errorRate: number, p99Ms = 20) => ({ requests, errorRate, p99Ms });

  it('says nothing before the canary served minRequests', () => {
    expect(judgeCanary(guard, stats(9, 1), stats(100, 0))).toEqual({ rollback: false });
  });

  it('rolls back when the canary errs more than the stable side by over the allowed delta', () => {
    expect(judgeCanary(guard, stats(20, 0.1), stats(100, 0.06))).toEqual({ rollback: false });
    expect(judgeCanary(guard, stats(20, 0.2), stats(100, 0.06))).toMatchObject({ rollback: true, reason: expect.stringContaining('canary 5xx ratio 20.0 % over 20 requests vs stable 6.0 %') as string });
  });

  it('counts the stable side as perfect when it has too little traffic to compare (a canary at 100 %)', () => {
    expect(judgeCanary(guard, stats(20, 0.1), stats(2, 0.5))).toMatchObject({ rollback: true });
  });

  it('rolls back on latency only when maxP99DeltaMs is set and both sides can be compared', () => {
    expect(judgeCanary(guard, stats(20, 0, 300), stats(100, 0, 50))).toMatchObject({ rollback: true, reason: expect.stringContaining('canary p99 300.0 ms vs stable 50.0 ms') as string });
    expect(judgeCanary({ ...guard, maxP99DeltaMs: undefined }, stats(20, 0, 300), stats(100, 0, 50))).toEqual({ rollback: false });
  });
});
