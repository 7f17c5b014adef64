import { describe, expect, it } from 'vitest';
import { FakeClock } from '@meshway/testing';
import { BreakerBoard } from './breaker.board.js';
import { Bulkhead } from './bulkhead.js';
import { CircuitBreaker, type BreakerState } from './circuit.breaker.js';
import { OutlierDetector } from './outlier.detector.js';
import { RetryBudget } from './retry.budget.js';

const fail = { ok: false, kind: 'status', status: 503 } as const;
const ok = { ok: true } as const;

describe('retry budget', () => {
  it('allows retries up to the ratio of requests plus the floor, over a sliding window', async () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 1, windowMs: 10_000 }, clock);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let allowed = 0;
    while (budget.tryWithdraw()) allowed++;
    expect(allowed).toBe(30); // 20 % of 100, plus 1/s over 10 s
    expect(budget.exhaustedCount).toBe(1);
    await clock.advance(10_000);
    expect(budget.tryWithdraw()).toBe(true); // the window slid past them
  });
});

describe('circuit breaker', () => {
  it('opens after N failures in a row, lets one probe through after openMs, closes on its success', async () => {
    const clock = new FakeClock();
    const changes: string[] = [];
    const breaker = new CircuitBreaker({ consecutiveFailures: 3, openMs: 1_000 }, clock, (from, to) => changes.push(`${from}→${to}`));
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    await clock.advance(1_000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
  });

  it('re-opens for twice as long when the probe fails', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, openMs: 1_000, maxOpenMs: 3_000 }, clock);
    breaker.onFailure();
    await clock.advance(1_000);
    breaker.tryAcquire();
    breaker.onFailure();
    await clock.advance(1_500);
    expect(breaker.state).toBe('open');
    await clock.advance(500);
    expect(breaker.state).toBe('half-open');
  });

  it('in ratio mode, trips on the failure ratio once the window saw enough requests', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ failureRatio: 0.5, minRequests: 10, windowMs: 10_000 }, clock);
    for (let i = 0; i < 4; i++) breaker.onFailure();
    for (let i = 0; i < 5; i++) breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
  });

  it('on a board, filters out instances whose breaker is open, keeping the array when none is', () => {
    const clock = new FakeClock();
    const states: [string, BreakerState][] = [];
    const board = new BreakerBoard({ consecutiveFailures: 1 }, clock, (id, _from, to) => states.push([id, to]));
    const instances = [{ id: 'a' }, { id: 'b' }];
    board.report('a', ok);
    expect(board.filter(instances)).toBe(instances);
    board.report('b', fail);
    expect(board.filter(instances)).toEqual([{ id: 'a' }]);
    expect(states).toEqual([['b', 'open']]);
  });
});

describe('bulkhead', () => {
  it('admits maxConcurrent at once, queues maxQueue, refuses the rest at once, hands slots over in order', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueue: 1 });
    expect(bulkhead.tryAcquire()).toBe(true);
    await bulkhead.acquire();
    const waiting = bulkhead.acquire();
    await expect(bulkhead.acquire()).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL' });
    bulkhead.release();
    await waiting;
    expect(bulkhead.inFlight).toBe(2);
    expect(bulkhead.rejectedCount).toBe(1);
  });

  it('gives up the wait when the caller\'s signal fires (its deadline)', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    bulkhead.tryAcquire();
    const controller = new AbortController();
    const waiting = bulkhead.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL' });
    expect(bulkhead.queued).toBe(0);
  });
});

describe('outlier detection', () => {
  const three = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('ejects an instance after consecutive failures, for longer each time, and takes it back by itself', async () => {
    const clock = new FakeClock();
    const ejections: number[] = [];
    const detector = new OutlierDetector({ consecutive5xx: 2, baseEjectionMs: 1_000 }, clock, (_id, ms) => ejections.push(ms));
    detector.report('a', fail, 3);
    expect(detector.filter(three)).toBe(three);
    detector.report('a', fail, 3);
    expect(detector.filter(three).map((i) => i.id)).toEqual(['b', 'c']);
    await clock.advance(1_000);
    expect(detector.filter(three)).toBe(three);
    detector.report('a', fail, 3);
    detector.report('a', fail, 3);
    expect(ejections).toEqual([1_000, 2_000]);
  });

  it('ejects a refused instance at once, a success resets the count', () => {
    const detector = new OutlierDetector({}, new FakeClock());
    detector.report('b', { ok: false, kind: 'reset' }, 3);
    detector.report('b', ok, 3);
    detector.report('b', { ok: false, kind: 'reset' }, 3);
    expect(detector.ejectedIds()).toEqual([]);
    detector.report('c', { ok: false, kind: 'connect' }, 3);
    expect(detector.ejectedIds()).toEqual(['c']);
  });

  it('never ejects past maxEjectionPercent, and never the last instance', () => {
    const detector = new OutlierDetector({ consecutiveConnectFailures: 1, maxEjectionPercent: 50 }, new FakeClock());
    for (const id of ['a', 'b', 'c']) detector.report(id, { ok: false, kind: 'connect' }, 3);
    expect(detector.ejectedIds()).toEqual(['a']);
    const alone = new OutlierDetector({}, new FakeClock());
    alone.report('only', { ok: false, kind: 'connect' }, 1);
    expect(alone.ejectedIds()).toEqual([]);
  });
});
