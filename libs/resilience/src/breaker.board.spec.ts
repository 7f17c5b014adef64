import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { BreakerBoard } from './breaker.board.js';

const instances = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('BreakerBoard', () => {
  it('makes a breaker per instance on its first failure, none for instances that only succeed', () => {
    const board = new BreakerBoard({ threshold: 2 }, new FakeClock());
    board.onSuccess('a');
    expect(board.states()).toEqual(new Map());
    board.onFailure('b');
    expect(board.states()).toEqual(new Map([['b', 'closed']]));
  });

  it('admits an instance never reported on', () => {
    const board = new BreakerBoard({}, new FakeClock());
    expect(board.admits('new')).toBe(true);
    expect(board.tryAcquire('new')).toBe(true);
  });

  it('leaves out instances whose breaker is open, keeping the very array when none is', () => {
    const changes: string[] = [];
    const board = new BreakerBoard({ threshold: 1 }, new FakeClock(), (id, from, to) => changes.push(`${id}: ${from} → ${to}`));
    board.onFailure('z'); // not in the list
    expect(board.filter(instances)).toBe(instances);
    board.onFailure('b');
    expect(board.admits('b')).toBe(false);
    expect(board.filter(instances)).toEqual([{ id: 'a' }, { id: 'c' }]);
    expect(changes).toEqual(['z: closed → open', 'b: closed → open']);
  });

  it('lets a half-open instance back in until its probe slots are taken', async () => {
    const clock = new FakeClock();
    const board = new BreakerBoard({ threshold: 1, openMs: 100 }, clock);
    board.onFailure('a');
    await clock.advance(100);
    expect(board.filter(instances)).toBe(instances);
    expect(board.tryAcquire('a')).toBe(true);
    expect(board.filter(instances).map((i) => i.id)).toEqual(['b', 'c']);
    board.release('a');
    expect(board.filter(instances)).toBe(instances);
    board.tryAcquire('a');
    board.onSuccess('a');
    expect(board.states().get('a')).toBe('closed');
  });

  it('can leave out every instance (the caller answers MESHWAY_CIRCUIT_OPEN)', () => {
    const board = new BreakerBoard({ threshold: 1 }, new FakeClock());
    for (const { id } of instances) board.onFailure(id);
    expect(board.filter(instances)).toEqual([]);
  });

  it('forgets the breakers of instances that left discovery', () => {
    const board = new BreakerBoard({ threshold: 1 }, new FakeClock());
    board.onFailure('a');
    board.onFailure('gone');
    board.retain(instances);
    expect([...board.states().keys()]).toEqual(['a']);
  });

  it('counts successes from the start in ratio mode (the ratio needs them)', () => {
    const board = new BreakerBoard({ mode: 'ratio', ratio: 0.5, minThroughput: 4 }, new FakeClock());
    for (let i = 0; i < 3; i++) board.onSuccess('a');
    board.onFailure('a');
    expect(board.admits('a')).toBe(true); // 1 of 4, not 1 of 1
  });

  it('validates its options once, up front', () => {
    expect(() => new BreakerBoard({ threshold: -1 }, new FakeClock())).toThrow(expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS' }) as Error);
  });
});
