import { describe, expect, it } from 'vitest';
import { Bulkhead, resolveBulkheadOptions } from './bulkhead.js';

/** Whether `promise` settled yet, without waiting for it (a few turns of the event loop). */
async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(() => (result = 'resolved'), () => (result = 'rejected'));
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('Bulkhead', () => {
  it('admits maxConcurrent at once on the synchronous fast path, then refuses', () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 2 });
    expect([bulkhead.tryAcquire(), bulkhead.tryAcquire(), bulkhead.tryAcquire()]).toEqual([true, true, false]);
    expect(bulkhead.inFlight).toBe(2);
    bulkhead.release();
    expect(bulkhead.tryAcquire()).toBe(true);
  });

  it('queues up to maxQueue and refuses the next at once with MESHWAY_BULKHEAD_FULL (no waiting)', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 2 });
    await bulkhead.acquire();
    const queued = [bulkhead.acquire(), bulkhead.acquire()];
    expect(bulkhead.queued).toBe(2);
    await expect(bulkhead.acquire()).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL', message: expect.stringContaining('2 already waiting') });
    expect(bulkhead.rejectedCount).toBe(1);
    expect(await Promise.all(queued.map(state))).toEqual(['pending', 'pending']);
  });

  it('refuses at once without a queue (maxQueue defaults to 0)', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    bulkhead.tryAcquire();
    await expect(bulkhead.acquire()).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL', message: expect.stringContaining('no queue') });
  });

  it('hands a released slot to the longest waiter, in order', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 3 });
    bulkhead.tryAcquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => bulkhead.acquire().then(() => order.push(n)));
    bulkhead.release();
    await waiters[0];
    expect(order).toEqual([1]);
    expect(bulkhead.inFlight).toBe(1); // handed over, not freed
    expect(bulkhead.tryAcquire()).toBe(false); // a newcomer does not jump the queue
    bulkhead.release();
    bulkhead.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    bulkhead.release();
    expect(bulkhead.inFlight).toBe(0);
  });

  it('gives up a wait when the caller\'s signal fires (its deadline), and leaves the queue', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    bulkhead.tryAcquire();
    const controller = new AbortController();
    const waiting = bulkhead.acquire(controller.signal);
    const behind = bulkhead.acquire();
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(waiting).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL', cause: reason });
    expect(bulkhead.queued).toBe(1);
    bulkhead.release();
    expect(await state(behind)).toBe('resolved');
  });

  it('refuses a caller that already gave up, even with a slot free', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    await expect(bulkhead.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL' });
    expect(bulkhead.inFlight).toBe(0);
  });

  it('stops listening to a waiter\'s signal once it got its slot', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    bulkhead.tryAcquire();
    const controller = new AbortController();
    const waiting = bulkhead.acquire(controller.signal);
    bulkhead.release();
    await waiting;
    controller.abort();
    expect(bulkhead.inFlight).toBe(1);
    expect(bulkhead.rejectedCount).toBe(0);
  });

  it('never goes below zero on an extra release', () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    bulkhead.release();
    expect(bulkhead.inFlight).toBe(0);
    expect([bulkhead.tryAcquire(), bulkhead.tryAcquire()]).toEqual([true, false]);
  });
});

describe('resolveBulkheadOptions', () => {
  it.each([
    [{}, 'bulkhead.maxConcurrent: got nothing; allowed: an integer from 1 to 1000000'],
    [{ maxConcurrent: 0 }, 'bulkhead.maxConcurrent: got 0'],
    [{ maxConcurrent: 10, maxQueue: -1 }, 'bulkhead.maxQueue: got -1'],
    [{ maxConcurrent: 10, queue: 5 }, 'bulkhead.queue: got 5; allowed: no such option'],
  ])('refuses %j naming it', (options, message) => {
    expect(() => resolveBulkheadOptions(options as never)).toThrow(expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(message) }) as Error);
  });
});
