import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('fires timers in time order when advanced past them, and not before', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(101);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(200);
  });

  it('never fires a cleared timer', async () => {
    const clock = new FakeClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    clock.clearTimeout(handle);
    await clock.advance(1_000);
    expect(fired).toBe(false);
  });

  it('resolves sleeps and lets async code that sleeps again keep up', async () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(50);
        ticks.push(clock.now());
      }
    })();
    await clock.advance(150);
    await loop;
    expect(ticks).toEqual([50, 100, 150]);
  });
});
