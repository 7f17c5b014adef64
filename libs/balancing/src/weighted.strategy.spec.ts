import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { WeightedStrategy } from './weighted.strategy.js';

function weighted(...weights: number[]): ServiceInstance[] {
  return weights.map((w, i) =>
    createInstance({ service: 'users', address: '127.0.0.1', port: 3000 + i, meta: { 'meshway-weight': String(w) } }),
  );
}

function share(balancer: WeightedStrategy, pickFrom: () => readonly ServiceInstance[], picks: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < picks; i++) {
    const port = balancer.pick(pickFrom())!.port;
    counts.set(port, (counts.get(port) ?? 0) + 1);
  }
  return counts;
}

describe('WeightedStrategy (smooth weighted round-robin)', () => {
  it('sends each instance its weight share of 10,000 picks, within ±5%', () => {
    const list = weighted(100, 50, 10, 1);
    const counts = share(new WeightedStrategy(), () => list, 10_000);
    const total = 161;
    [100, 50, 10, 1].forEach((w, i) => {
      const expected = (10_000 * w) / total;
      expect(Math.abs((counts.get(3000 + i) ?? 0) - expected)).toBeLessThanOrEqual(expected * 0.05);
    });
  });

  it('interleaves picks instead of sending bursts (nginx order for 5:1:1)', () => {
    const list = weighted(5, 1, 1);
    const balancer = new WeightedStrategy();
    const order = Array.from({ length: 7 }, () => balancer.pick(list)!.port - 3000);
    expect(order).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('keeps the rotation when handed a new array with the same instances each call', () => {
    const list = weighted(3, 1);
    const counts = share(new WeightedStrategy(), () => [...list], 400);
    expect(counts.get(3000)).toBe(300);
    expect(counts.get(3001)).toBe(100);
  });

  it('gives weight 0 no traffic, unless every weight is 0', () => {
    expect(share(new WeightedStrategy(), () => weighted(0, 10), 50).get(3000)).toBeUndefined();
    const allZero = share(new WeightedStrategy(), () => weighted(0, 0), 50);
    expect([allZero.get(3000), allZero.get(3001)]).toEqual([25, 25]);
  });

  it('follows a weight change (canary moved from 10 to 50)', () => {
    const balancer = new WeightedStrategy();
    share(balancer, () => weighted(90, 10), 100);
    const after = weighted(50, 50);
    const counts = share(balancer, () => after, 1_000);
    expect(Math.abs((counts.get(3001) ?? 0) - 500)).toBeLessThanOrEqual(25);
  });
});
