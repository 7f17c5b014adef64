import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { OutageTracker } from './outage.tracker.js';
import type { StoreStateEvent } from './rate-limit.store.js';

function setup(onStateChange?: (event: StoreStateEvent) => void): { clock: FakeClock; tracker: OutageTracker; lines: string[] } {
  const clock = new FakeClock();
  const lines: string[] = [];
  const logger = { warn: (_: object, msg: string) => lines.push(`warn ${msg}`), info: (obj: Record<string, unknown>, msg: string) => lines.push(`info ${msg} ${JSON.stringify(obj)}`) };
  return { clock, lines, tracker: new OutageTracker({ store: 'redis', fields: { store: 'redis' }, clock, logger, onStateChange }) };
}

describe('OutageTracker', () => {
  it('logs "down" on the first failure and "back" on the first success after it, with the outage\'s length and cost', async () => {
    const { clock, tracker, lines } = setup();
    for (let i = 0; i < 50; i++) tracker.failed(tracker.begin(), new Error('ECONNREFUSED'), i % 2 === 0);
    await clock.advance(2_500);
    tracker.succeeded(tracker.begin());
    tracker.succeeded(tracker.begin());
    expect(lines).toEqual(['warn rate-limit store down: deciding by failMode until it answers again', 'info rate-limit store back {"store":"redis","downMs":2500,"degraded":50}']);
    expect(tracker).toMatchObject({ failures: 50, timeouts: 25, degraded: 50, outages: 1, down: false });
  });

  it('a reply already on its way when the store failed does not announce it back', () => {
    const { tracker, lines } = setup();
    const early = tracker.begin();
    tracker.failed(tracker.begin(), new Error('reset'), false);
    tracker.succeeded(early);
    expect(tracker.down).toBe(true);
    expect(lines).toHaveLength(1);
  });

  it('a stale failure of a call begun before the recovery does not start a new outage', () => {
    const { tracker, lines } = setup();
    tracker.failed(tracker.begin(), new Error('reset'), false);
    const duringOutage = tracker.begin();
    tracker.succeeded(tracker.begin());
    tracker.failed(duringOutage, new Error('timeout'), true);
    expect(tracker.down).toBe(false);
    expect(tracker.outages).toBe(1);
    expect(lines).toHaveLength(2);
  });

  it('tells its listener once per transition, and survives a listener that throws', () => {
    const events: StoreStateEvent[] = [];
    const { tracker } = setup((event) => {
      events.push(event);
      throw new Error('listener bug');
    });
    tracker.failed(tracker.begin(), new Error('down'), false);
    tracker.failed(tracker.begin(), new Error('down'), false);
    tracker.succeeded(tracker.begin());
    expect(events).toEqual([
      { state: 'down', store: 'redis', error: 'down' },
      { state: 'up', store: 'redis', downMs: 0, degraded: 2 },
    ]);
  });
});
