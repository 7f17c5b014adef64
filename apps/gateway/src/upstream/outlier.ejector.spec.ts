import { createInstance } from '@meshway/discovery';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { OutlierEjector } from './outlier.ejector.js';

const a = createInstance({ service: 'users', address: '127.0.0.1', port: 3001 });
const b = createInstance({ service: 'users', address: '127.0.0.1', port: 3002 });

describe('OutlierEjector', () => {
  it('leaves an ejected instance out of picks until its ejection time has passed', async () => {
    const clock = new FakeClock(0);
    const ejector = new OutlierEjector(clock, 5_000);
    ejector.eject(a);
    expect(ejector.filter([a, b])).toEqual([b]);
    expect(ejector.ejectedIds()).toEqual([a.id]);
    await clock.advance(4_999);
    expect(ejector.filter([a, b])).toEqual([b]);
    await clock.advance(1);
    expect(ejector.filter([a, b])).toEqual([a, b]);
    expect(ejector.ejectedIds()).toEqual([]);
  });

  it('returns the same array when nothing is ejected (balancers cache by identity)', () => {
    const list = [a, b];
    expect(new OutlierEjector(new FakeClock(0)).filter(list)).toBe(list);
  });

  it('never ejects every instance: with all of them out, all are in', () => {
    const ejector = new OutlierEjector(new FakeClock(0));
    ejector.eject(a);
    ejector.eject(b);
    expect(ejector.filter([a, b])).toEqual([a, b]);
  });
});
