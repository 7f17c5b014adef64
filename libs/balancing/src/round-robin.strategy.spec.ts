import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { RoundRobinStrategy } from './round-robin.strategy.js';

const instances = (n: number): ServiceInstance[] =>
  Array.from({ length: n }, (_, i) => createInstance({ service: 'users', address: '127.0.0.1', port: 3000 + i }));

describe('RoundRobinStrategy', () => {
  it('cycles through the instances in order, evenly', () => {
    const list = instances(3);
    const balancer = new RoundRobinStrategy();
    const picked = Array.from({ length: 9 }, () => balancer.pick(list)?.port);
    expect(picked).toEqual([3000, 3001, 3002, 3000, 3001, 3002, 3000, 3001, 3002]);
  });

  it('keeps rotating when the list changes size', () => {
    const balancer = new RoundRobinStrategy();
    const three = instances(3);
    balancer.pick(three);
    const two = three.slice(0, 2);
    const counts = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const port = balancer.pick(two)!.port;
      counts.set(port, (counts.get(port) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([50, 50]);
  });
});
