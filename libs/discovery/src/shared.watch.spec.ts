import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { MIN_QUERY_INTERVAL_MS } from './blocking.query.js';
import type { DiscoveryLogger } from './discovery.logger.js';
import { ExponentialBackoff } from './exponential.backoff.js';
import { OutageTracker } from './outage.tracker.js';
import { ScriptedQuery } from './scripted-query.fixture.js';
import { SharedWatch, type WatchState } from './shared.watch.js';

class RecordingLogger implements DiscoveryLogger {
  readonly lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  warn(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'warn', msg, obj });
  }
  info(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'info', msg, obj });
  }
}

function setup() {
  const clock = new FakeClock(0);
  const logger = new RecordingLogger();
  const staleEvents: [string, boolean][] = [];
  const outages = new OutageTracker(logger, (key, stale) => staleEvents.push([key, stale]), clock, 'http://registry');
  let idle = 0;
  const make = (key: string) => {
    const query = new ScriptedQuery<string[]>();
    const watch = new SharedWatch<string[]>(key, query.fetch, {
      clock,
      logger,
      outages,
      backoff: new ExponentialBackoff({ initialMs: 100, maxMs: 1_000 }, () => 0.5),
      equals: (a, b) => a.join() === b.join(),
      unknown: [],
      onIdle: () => (idle += 1),
    });
    return { query, watch };
  };
  return { clock, logger, staleEvents, outages, make, idle: () => idle };
}

const recorder = () => {
  const seen: WatchState<string[]>[] = [];
  return { seen, listener: (s: WatchState<string[]>) => seen.push(s) };
};

describe('SharedWatch', () => {
  it('runs one query for all subscribers and tells a late subscriber the cached answer at once', async () => {
    const { clock, make } = setup();
    const { query, watch } = make('users');
    const a = recorder();
    const b = recorder();
    watch.subscribe(a.listener);
    await clock.advance(0);
    query.last.answer({ index: 4n, value: ['u1'] });
    await clock.advance(0);
    watch.subscribe(b.listener);
    expect(query.calls).toHaveLength(1);
    expect(a.seen).toEqual([{ value: ['u1'], stale: false }]);
    expect(b.seen).toEqual([{ value: ['u1'], stale: false }]);
    await watch.stop();
  });

  it('does not repeat an answer equal to the cached one (a blocking query may return without a change)', async () => {
    const { clock, make } = setup();
    const { query, watch } = make('users');
    const a = recorder();
    watch.subscribe(a.listener);
    await clock.advance(0);
    query.last.answer({ index: 4n, value: ['u1'] });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    query.last.answer({ index: 9n, value: ['u1'] });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    query.last.answer({ index: 11n, value: ['u1', 'u2'] });
    await clock.advance(0);
    expect(a.seen.map((s) => s.value)).toEqual([['u1'], ['u1', 'u2']]);
    await watch.stop();
  });

  it('serves the last good answer with stale: true while the registry fails, and fresh again when it is back', async () => {
    const { clock, make, staleEvents } = setup();
    const { query, watch } = make('users');
    const a = recorder();
    watch.subscribe(a.listener);
    await clock.advance(0);
    query.last.answer({ index: 4n, value: ['u1'] });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    for (let i = 0; i < 3; i++) {
      query.last.fail(new Error('connect ECONNREFUSED'));
      await clock.advance(0);
      await clock.runAll(1); // the backoff sleep
    }
    expect(watch.current).toEqual({ value: ['u1'], stale: true });
    query.last.answer({ index: 5n, value: ['u1'] });
    await clock.advance(0);
    expect(a.seen).toEqual([
      { value: ['u1'], stale: false },
      { value: ['u1'], stale: true },
      { value: ['u1'], stale: false },
    ]);
    expect(staleEvents).toEqual([['users', true], ['users', false]]);
    await watch.stop();
  });

  it('logs one warning per outage however many watches fail, and one info line when all are fresh', async () => {
    const { clock, make, logger } = setup();
    const users = make('users');
    const orders = make('orders');
    users.watch.subscribe(() => undefined);
    orders.watch.subscribe(() => undefined);
    await clock.advance(0);
    users.query.last.fail(new Error('ECONNREFUSED'));
    orders.query.last.fail(new Error('ECONNREFUSED'));
    await clock.advance(0);
    await clock.runAll(2); // both backoff sleeps
    users.query.last.fail(new Error('ECONNREFUSED'));
    await clock.advance(0);
    await clock.runAll(1); // the backoff sleep
    users.query.last.answer({ index: 1n, value: [] });
    await clock.advance(0);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);
    orders.query.last.answer({ index: 1n, value: [] });
    await clock.advance(0);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logger.lines[0]).toMatchObject({ obj: { registry: 'http://registry', err: 'ECONNREFUSED' } });
    await Promise.all([users.watch.stop(), orders.watch.stop()]);
  });

  it('tells subscribers "unknown, stale" when the registry fails before any answer', async () => {
    const { clock, make } = setup();
    const { query, watch } = make('users');
    const a = recorder();
    watch.subscribe(a.listener);
    await clock.advance(0);
    query.last.fail(new Error('ECONNREFUSED'));
    await clock.advance(0);
    expect(a.seen).toEqual([{ value: [], stale: true }]);
    expect(watch.current).toBeUndefined();
    await watch.stop();
  });

  it('keeps notifying the other subscribers when one listener throws', async () => {
    const { clock, make, logger } = setup();
    const { query, watch } = make('users');
    const a = recorder();
    watch.subscribe(() => {
      throw new Error('listener bug');
    });
    watch.subscribe(a.listener);
    await clock.advance(0);
    query.last.answer({ index: 4n, value: ['u1'] });
    await clock.advance(0);
    expect(a.seen).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', obj: { err: 'listener bug' } });
    await watch.stop();
  });

  it('stops its query when the last subscriber leaves', async () => {
    const { clock, make, idle } = setup();
    const { query, watch } = make('users');
    const stopA = watch.subscribe(() => undefined);
    const stopB = watch.subscribe(() => undefined);
    await clock.advance(0);
    stopA();
    stopA();
    expect(query.last.signal.aborted).toBe(false);
    stopB();
    await clock.advance(0);
    expect(query.last.signal.aborted).toBe(true);
    expect(idle()).toBe(1);
  });
});
