import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { OutlierDetector, type EjectionEvent } from './outlier.detector.js';
import { resolveOutlierOptions, type OutlierOptions } from './outlier.options.js';

const four = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }];

function setup(options: OutlierOptions = {}, instances: readonly { id: string }[] = four) {
  const clock = new FakeClock();
  const events: EjectionEvent[] = [];
  const detector = new OutlierDetector(options, clock, (event) => events.push(event));
  detector.retain(instances);
  return { clock, events, detector };
}

describe('OutlierDetector', () => {
  it('ejects an instance whose connection was refused at once (consecutiveConnectFailures 1)', () => {
    const { detector, events } = setup();
    detector.report('b', 'connect');
    expect(detector.ejectedIds()).toEqual(['b']);
    expect(detector.filter(four).map((i) => i.id)).toEqual(['a', 'c', 'd']);
    expect(events).toEqual([{ type: 'ejected', instanceId: 'b', reason: 'consecutive-connect-failures', forMs: 5_000, times: 1 }]);
  });

  it('ejects after 3 gateway failures in a row (timeouts, broken connections)', () => {
    const { detector } = setup();
    detector.report('a', 'timeout');
    detector.report('a', 'reset');
    expect(detector.isEjected('a')).toBe(false);
    detector.report('a', 'timeout');
    expect(detector.isEjected('a')).toBe(true);
  });

  it('ejects after 5 5xx answers in a row', () => {
    const { detector, events } = setup();
    for (let i = 0; i < 4; i++) detector.report('c', 'status', 503);
    expect(detector.isEjected('c')).toBe(false);
    detector.report('c', 'status', 500);
    expect(events.at(-1)).toMatchObject({ type: 'ejected', instanceId: 'c', reason: 'consecutive-5xx' });
  });

  it('starts counting again after a success, or any answer below 500', () => {
    const { detector } = setup({ consecutive5xx: 2, consecutiveGatewayFailures: 2 });
    detector.report('a', 'status', 503);
    detector.report('a', 'success');
    detector.report('a', 'status', 503);
    detector.report('a', 'timeout');
    detector.report('a', 'status', 429);
    detector.report('a', 'timeout');
    expect(detector.ejectedIds()).toEqual([]);
  });

  it('counts a 5xx as proof the connection works (resets gateway failures) and a refused connection only in a row', () => {
    const { detector } = setup({ consecutiveGatewayFailures: 2, consecutiveConnectFailures: 2 });
    detector.report('a', 'timeout');
    detector.report('a', 'status', 502);
    detector.report('a', 'timeout');
    detector.report('b', 'connect');
    detector.report('b', 'status', 503);
    detector.report('b', 'connect');
    expect(detector.ejectedIds()).toEqual([]);
  });

  it('lets an instance back by itself after its time, for longer each time it is ejected, up to maxEjectionMs', async () => {
    const { detector, clock, events } = setup({ baseEjectionMs: 1_000, maxEjectionMs: 2_500 });
    const periods: number[] = [];
    for (let i = 0; i < 4; i++) {
      detector.report('a', 'connect');
      let out = 0;
      while (detector.isEjected('a')) {
        await clock.advance(100);
        out += 100;
      }
      periods.push(out);
    }
    expect(periods).toEqual([1_000, 2_000, 2_500, 2_500]);
    expect(events.filter((e) => e.type === 'returned')).toHaveLength(4);
  });

  it('forgets past ejections after a quiet maxEjectionMs back in', async () => {
    const { detector, clock, events } = setup({ baseEjectionMs: 1_000, maxEjectionMs: 5_000 });
    detector.report('a', 'connect');
    await clock.advance(1_000);
    detector.report('a', 'connect');
    await clock.advance(2_000);
    expect(detector.isEjected('a')).toBe(false);
    await clock.advance(5_001);
    detector.report('a', 'connect');
    expect(events.flatMap((e) => (e.type === 'ejected' ? [e.forMs] : []))).toEqual([1_000, 2_000, 1_000]);
  });

  it('keeps the very array it is given when no instance in it is ejected', () => {
    const { detector } = setup();
    expect(detector.filter(four)).toBe(four);
    detector.report('z', 'connect'); // not in this list
    const two = [{ id: 'a' }, { id: 'b' }];
    expect(detector.filter(two)).toBe(two);
  });

  it('never ejects more than maxEjectionPercent of the instances', () => {
    const { detector } = setup({ maxEjectionPercent: 50 });
    for (const { id } of four) detector.report(id, 'connect');
    expect(detector.ejectedIds()).toEqual(['a', 'b']);
  });

  it('never ejects the last instance in, whatever the percentage', () => {
    const { detector } = setup({ maxEjectionPercent: 100 });
    for (const { id } of four) detector.report(id, 'connect');
    expect(detector.ejectedIds()).toEqual(['a', 'b', 'c']);
    const alone = setup({ maxEjectionPercent: 100 }, [{ id: 'only' }]);
    alone.detector.report('only', 'connect');
    expect(alone.detector.ejectedIds()).toEqual([]);
  });

  it('gives back every instance of a list it would empty (better a failing instance than none)', () => {
    const { detector } = setup();
    detector.report('a', 'connect');
    const justA = [{ id: 'a' }];
    expect(detector.filter(justA)).toBe(justA);
  });

  it('does not extend an ejection on late reports from requests sent before it', async () => {
    const { detector, clock, events } = setup({ baseEjectionMs: 1_000 });
    detector.report('a', 'connect');
    await clock.advance(500);
    detector.report('a', 'connect');
    await clock.advance(500);
    expect(detector.isEjected('a')).toBe(false);
    expect(events.filter((e) => e.type === 'ejected')).toHaveLength(1);
  });

  it('forgets instances that left discovery and counts the percentage on those present', () => {
    const { detector } = setup({ maxEjectionPercent: 50 });
    detector.report('a', 'connect');
    detector.retain([{ id: 'b' }, { id: 'c' }]);
    expect(detector.ejectedIds()).toEqual([]);
    detector.report('b', 'connect');
    expect(detector.ejectedIds()).toEqual(['b']);
    detector.report('c', 'connect');
    expect(detector.ejectedIds()).toEqual(['b']);
  });

  it('learns the instance count from filter() when nobody called retain()', () => {
    const detector = new OutlierDetector({}, new FakeClock());
    detector.filter(four);
    detector.report('a', 'connect');
    expect(detector.ejectedIds()).toEqual(['a']);
  });
});

describe('resolveOutlierOptions', () => {
  it('defaults to 5 × 5xx, 3 gateway failures, 1 refused connection, 5 s growing to 60 s, at most 50 %', () => {
    expect(resolveOutlierOptions()).toEqual({
      consecutive5xx: 5,
      consecutiveGatewayFailures: 3,
      consecutiveConnectFailures: 1,
      baseEjectionMs: 5_000,
      maxEjectionMs: 60_000,
      maxEjectionPercent: 50,
    });
  });

  it.each([
    [{ consecutive5xx: 0 }, 'outlier.consecutive5xx: got 0'],
    [{ consecutiveConnectFailures: 1.5 }, 'outlier.consecutiveConnectFailures: got 1.5'],
    [{ baseEjectionMs: 10_000, maxEjectionMs: 1_000 }, 'outlier.maxEjectionMs: got 1000; allowed: at least baseEjectionMs (10000)'],
    [{ maxEjectionPercent: 101 }, 'outlier.maxEjectionPercent: got 101; allowed: a number from 0 to 100'],
    [{ interval: 10 }, 'outlier.interval: got 10; allowed: no such option'],
  ])('refuses %j naming it', (options, message) => {
    expect(() => resolveOutlierOptions(options as never)).toThrow(expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(message) }) as Error);
  });
});
