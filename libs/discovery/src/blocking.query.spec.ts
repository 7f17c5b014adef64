import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { BlockingQuery, MIN_QUERY_INTERVAL_MS, nextIndex } from './blocking.query.js';
import { ExponentialBackoff } from './exponential.backoff.js';
import { ScriptedQuery } from './scripted-query.fixture.js';

function setup(backoff = { initialMs: 100, maxMs: 1_000 }) {
  const clock = new FakeClock(0);
  const query = new ScriptedQuery<string>();
  const values: string[] = [];
  const errors: unknown[] = [];
  const loop = new BlockingQuery(query.fetch, { onValue: (v) => values.push(v), onError: (e) => errors.push(e) }, clock, new ExponentialBackoff(backoff, () => 0.999_999));
  return { clock, query, values, errors, loop };
}

describe('nextIndex (Consul blocking-query rules)', () => {
  it('moves forward to the index the registry returned', () => {
    expect(nextIndex(5n, 9n)).toBe(9n);
  });

  it('resets to 0 when the index goes backwards, e.g. the registry restarted without its data', () => {
    expect(nextIndex(900n, 3n)).toBe(0n);
  });

  it('never blocks on an index below 1', () => {
    expect(nextIndex(0n, 0n)).toBe(1n);
  });
});

describe('BlockingQuery', () => {
  it('starts at index 0, then blocks on the X-Consul-Index of each answer', async () => {
    const { clock, query, values, loop } = setup();
    loop.start();
    await clock.advance(0);
    query.last.answer({ index: 12n, value: 'a' });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    query.last.answer({ index: 15n, value: 'b' });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    expect(query.indexes).toEqual([0n, 12n, 15n]);
    expect(values).toEqual(['a', 'b']);
    await loop.stop();
  });

  it('asks again from index 0 when the index went backwards', async () => {
    const { clock, query, loop } = setup();
    loop.start();
    await clock.advance(0);
    query.last.answer({ index: 500n, value: 'a' });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    query.last.answer({ index: 2n, value: 'fresh registry' });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    expect(query.indexes).toEqual([0n, 500n, 0n]);
    await loop.stop();
  });

  it('asks from index 0 after a failure, so the first answer after an outage comes at once', async () => {
    const { clock, query, loop } = setup();
    loop.start();
    await clock.advance(0);
    query.last.answer({ index: 40n, value: 'a' });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    query.last.fail(new Error('ECONNRESET'));
    await clock.advance(0);
    await clock.runAll(1); // the backoff sleep
    expect(query.indexes).toEqual([0n, 40n, 0n]);
    await loop.stop();
  });

  it('starts at most one query per MIN_QUERY_INTERVAL_MS, so a server ignoring index cannot make it spin', async () => {
    const { clock, query, loop } = setup();
    loop.start();
    await clock.advance(0);
    query.last.answer({ index: 7n, value: 'same' });
    await clock.advance(MIN_QUERY_INTERVAL_MS - 1);
    expect(query.calls).toHaveLength(1);
    await clock.advance(1);
    expect(query.calls).toHaveLength(2);
    await loop.stop();
  });

  it('backs off exponentially while the registry fails, and reports every failure', async () => {
    const { clock, query, errors, loop } = setup();
    loop.start();
    const startedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      await clock.advance(0);
      startedAt.push(clock.now());
      query.last.fail(new Error('ECONNREFUSED'));
      await clock.advance(0);
      await clock.runAll(1); // the backoff sleep
    }
    // Equal jitter with random ≈ 1 waits the whole ceiling: 100, 200, 400, 800 ms.
    expect(startedAt.slice(1).map((t, i) => t - startedAt[i]!)).toEqual([100, 200, 400, 800]);
    expect(errors).toHaveLength(5);
    await loop.stop();
  });

  it('goes back to the first delay after a success', async () => {
    const { clock, query, loop } = setup();
    loop.start();
    await clock.advance(0);
    query.last.fail(new Error('down'));
    await clock.advance(100);
    query.last.fail(new Error('down'));
    await clock.advance(200);
    query.last.answer({ index: 3n, value: 'up' });
    await clock.advance(MIN_QUERY_INTERVAL_MS);
    query.last.fail(new Error('down again'));
    await clock.advance(99);
    expect(query.calls).toHaveLength(4);
    await clock.advance(1);
    expect(query.calls).toHaveLength(5);
    await loop.stop();
  });

  it('aborts the query in flight on stop() and makes no more', async () => {
    const { clock, query, errors, loop } = setup();
    loop.start();
    await clock.advance(0);
    const inFlight = query.last;
    await loop.stop();
    expect(inFlight.signal.aborted).toBe(true);
    await clock.advance(60_000);
    expect(query.calls).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
