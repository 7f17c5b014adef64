import { seededRandom } from '@meshway/clock';
import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { RandomStrategy } from './random.strategy.js';

const instances = (n: number): ServiceInstance[] =>
  Array.from({ length: n }, (_, i) => createInstance({ service: 'users', address: '127.0.0.1', port: 3000 + i }));

describe('RandomStrategy', () => {
  it('spreads 10,000 picks over 4 instances within ±5% of a quarter each', () => {
    const list = instances(4);
    const balancer = new RandomStrategy(seededRandom(42));
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const id = balancer.pick(list)!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const count of counts.values()) expect(Math.abs(count / 10_000 - 0.25)).toBeLessThan(0.05 * 0.25);
  });

  it('picks the same sequence for the same seed', () => {
    const list = instances(5);
    const run = (): number[] => {
      const balancer = new RandomStrategy(seededRandom(7));
      return Array.from({ length: 20 }, () => balancer.pick(list)!.port);
    };
    expect(run()).toEqual(run());
  });
});
