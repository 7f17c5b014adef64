import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding.window.js';

describe('SlidingWindow', () => {
  it('sums two counts over the window, dropping each bucket as it falls out', async () => {
    const clock = new FakeClock(0);
    const window = new SlidingWindow(1_000, clock, 10); // 100 ms buckets
    window.add(1, 0);
    await clock.advance(100);
    window.add(2, 1);
    await clock.advance(850);
    window.add(4, 2);
    expect([window.totalA, window.totalB]).toEqual([7, 3]);
    await clock.advance(50); // t = 1,000: the first bucket leaves
    expect([window.totalA, window.totalB]).toEqual([6, 3]);
    await clock.advance(100); // the second leaves
    expect([window.totalA, window.totalB]).toEqual([4, 2]);
    await clock.advance(900);
    expect([window.totalA, window.totalB]).toEqual([0, 0]);
  });

  it('starts empty after a quiet spell longer than the window', async () => {
    const clock = new FakeClock(0);
    const window = new SlidingWindow(1_000, clock, 10);
    window.add(5, 5);
    await clock.advance(1_000_000);
    window.add(1, 0);
    expect([window.totalA, window.totalB]).toEqual([1, 0]);
  });

  it('clears on demand', () => {
    const window = new SlidingWindow(1_000, new FakeClock());
    window.add(3, 3);
    window.clear();
    expect([window.totalA, window.totalB]).toEqual([0, 0]);
  });
});
