import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { resolveBreakerOptions, type BreakerOptions } from './breaker.options.js';
import { CircuitBreaker } from './circuit-breaker.js';

function setup(options: BreakerOptions) {
  const clock = new FakeClock();
  const changes: string[] = [];
  const subject = new CircuitBreaker(options, clock, (from, to) => changes.push(`${from} → ${to}`));
  const times = (n: number, fn: () => void) => { for (let i = 0; i < n; i++) fn(); };
  return { clock, changes, breaker: subject, times };
}

describe('CircuitBreaker, consecutive mode', () => {
  it('opens after `threshold` failures in a row; a success in between starts the count again', () => {
    const { breaker, times } = setup({ threshold: 3 });
    times(2, () => { breaker.onFailure(); });
    breaker.onSuccess();
    times(2, () => { breaker.onFailure(); });
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
  });

  it('admits nothing while open, then half-opens after openMs and admits one probe', async () => {
    const { breaker, clock } = setup({ threshold: 1, openMs: 1_000 });
    breaker.onFailure();
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.admits()).toBe(false);
    await clock.advance(999);
    expect(breaker.state).toBe('open');
    await clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.admits()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.admits()).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('closes on a probe\'s success and counts afresh', async () => {
    const { breaker, clock, changes } = setup({ threshold: 2, openMs: 1_000 });
    breaker.onFailure();
    breaker.onFailure();
    await clock.advance(1_000);
    breaker.tryAcquire();
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('closed'); // one failure since it closed, not three
    expect(changes).toEqual(['closed → open', 'open → half-open', 'half-open → closed']);
  });

  it('re-opens on a probe\'s failure for twice as long each time, up to maxOpenMs, and back to openMs once closed', async () => {
    const { breaker, clock } = setup({ threshold: 1, openMs: 1_000, maxOpenMs: 3_000 });
    const openFor = async (): Promise<number> => {
      let waited = 0;
      while (breaker.state === 'open') {
        await clock.advance(100);
        waited += 100;
      }
      return waited;
    };
    breaker.onFailure();
    const periods: number[] = [await openFor()];
    for (let i = 0; i < 3; i++) {
      breaker.tryAcquire();
      breaker.onFailure();
      periods.push(await openFor());
    }
    expect(periods).toEqual([1_000, 2_000, 3_000, 3_000]);
    breaker.tryAcquire();
    breaker.onSuccess();
    breaker.onFailure();
    expect(await openFor()).toBe(1_000);
  });

  it('keeps the open time constant when maxOpenMs equals openMs', async () => {
    const { breaker, clock } = setup({ threshold: 1, openMs: 500, maxOpenMs: 500 });
    breaker.onFailure();
    await clock.advance(500);
    breaker.tryAcquire();
    breaker.onFailure();
    await clock.advance(500);
    expect(breaker.state).toBe('half-open');
  });

  it('admits halfOpenProbes concurrent probes; the first success closes it', async () => {
    const { breaker, clock } = setup({ threshold: 1, openMs: 100, halfOpenProbes: 3 });
    breaker.onFailure();
    await clock.advance(100);
    expect([breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([true, true, true, false]);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    breaker.onSuccess(); // the other probes come back to a closed breaker: counted as usual
    expect(breaker.state).toBe('closed');
  });

  it('frees a probe slot on release() (the caller gave up: no verdict), so it never sticks half-open', async () => {
    const { breaker, clock } = setup({ threshold: 1, openMs: 100 });
    breaker.onFailure();
    await clock.advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('ignores reports from requests sent before it opened', async () => {
    const { breaker, clock } = setup({ threshold: 1, openMs: 100 });
    breaker.onFailure();
    breaker.onSuccess(); // late, while open
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    breaker.onSuccess(); // late, half-open with no probe out
    breaker.onFailure();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('CircuitBreaker, ratio mode', () => {
  it('opens when failures reach the ratio, once the window saw minThroughput outcomes', () => {
    const { breaker, times } = setup({ mode: 'ratio', ratio: 0.5, minThroughput: 10, windowMs: 10_000 });
    times(4, () => { breaker.onFailure(); });
    expect(breaker.state).toBe('closed'); // 100 % failures, but only 4 outcomes
    times(5, () => { breaker.onSuccess(); });
    breaker.onFailure(); // 5 of 10
    expect(breaker.state).toBe('open');
  });

  it('stays closed below the ratio however many requests fail', () => {
    const { breaker, times } = setup({ mode: 'ratio', ratio: 0.5, minThroughput: 10 });
    for (let i = 0; i < 100; i++) {
      times(2, () => { breaker.onSuccess(); });
      breaker.onFailure();
    }
    expect(breaker.state).toBe('closed');
  });

  it('forgets outcomes older than the window', async () => {
    const { breaker, clock, times } = setup({ mode: 'ratio', ratio: 0.5, minThroughput: 4, windowMs: 1_000 });
    times(3, () => { breaker.onFailure(); });
    await clock.advance(1_000);
    breaker.onSuccess();
    breaker.onSuccess();
    breaker.onSuccess();
    breaker.onFailure(); // 1 of 4 in the window
    expect(breaker.state).toBe('closed');
  });

  it('starts a fresh window when it closes after a probe', async () => {
    const { breaker, clock, times } = setup({ mode: 'ratio', ratio: 0.5, minThroughput: 4, openMs: 100 });
    times(4, () => { breaker.onFailure(); });
    await clock.advance(100);
    breaker.tryAcquire();
    breaker.onSuccess();
    breaker.onFailure(); // alone in the new window: no trip
    expect(breaker.state).toBe('closed');
  });
});

describe('resolveBreakerOptions', () => {
  it('defaults to 5 failures in a row, open 5 s growing to 30 s, one probe', () => {
    expect(resolveBreakerOptions()).toEqual({ mode: 'consecutive', threshold: 5, openMs: 5_000, maxOpenMs: 30_000, halfOpenProbes: 1 });
  });

  it('defaults the ratio mode to 50 % over 10 s with at least 20 requests', () => {
    expect(resolveBreakerOptions({ mode: 'ratio' })).toEqual({ mode: 'ratio', ratio: 0.5, windowMs: 10_000, minThroughput: 20, openMs: 5_000, maxOpenMs: 30_000, halfOpenProbes: 1 });
  });

  it.each([
    [{ mode: 'sampling' }, 'breaker.mode: got "sampling"; allowed: "consecutive" | "ratio"'],
    [{ threshold: 0 }, 'breaker.threshold: got 0'],
    [{ ratio: 0.5 }, 'breaker.ratio: got 0.5; allowed: only with mode "ratio"'],
    [{ mode: 'ratio', threshold: 5 }, 'breaker.threshold: got 5; allowed: only with mode "consecutive"'],
    [{ mode: 'ratio', ratio: 0 }, 'breaker.ratio: got 0; allowed: a number above 0 up to 1'],
    [{ mode: 'ratio', ratio: 1.5 }, 'breaker.ratio: got 1.5'],
    [{ mode: 'ratio', minThroughput: 0 }, 'breaker.minThroughput: got 0'],
    [{ openMs: 10_000, maxOpenMs: 5_000 }, 'breaker.maxOpenMs: got 5000; allowed: at least openMs (10000)'],
    [{ halfOpenProbes: 0 }, 'breaker.halfOpenProbes: got 0'],
    [{ consecutiveFailures: 5 }, 'breaker.consecutiveFailures: got 5; allowed: no such option'],
  ])('refuses %j naming it', (options, message) => {
    expect(() => resolveBreakerOptions(options as never)).toThrow(expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(message) }) as Error);
  });
});
