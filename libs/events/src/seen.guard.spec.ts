import { describe, expect, it } from 'vitest';
import { SeenGuard } from './seen.guard.js';

describe('SeenGuard', () => {
  it('remembers up to its capacity, forgetting the oldest first', () => {
    const guard = new SeenGuard(3);
    [1, 2, 3, 4].forEach((seq) => {
      guard.add(seq);
    });
    expect([1, 2, 3, 4].map((seq) => guard.has(seq))).toEqual([false, true, true, true]);
    expect(guard.size).toBe(3);
  });

  it('counts a sequence seen again as the newest', () => {
    const guard = new SeenGuard(2);
    guard.add(1);
    guard.add(2);
    guard.add(1);
    guard.add(3);
    expect([guard.has(1), guard.has(2), guard.has(3)]).toEqual([true, false, true]);
  });

  it('remembers nothing with capacity 0', () => {
    const guard = new SeenGuard(0);
    guard.add(1);
    expect(guard.has(1)).toBe(false);
  });
});
