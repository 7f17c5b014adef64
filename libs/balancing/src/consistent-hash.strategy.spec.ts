import { seededRandom } from '@meshway/clock';
import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { ConsistentHashStrategy } from './consistent-hash.strategy.js';

const instances = (n: number): ServiceInstance[] =>
  Array.from({ length: n }, (_, i) => createInstance({ service: 'users', address: '10.0.0.' + String(i + 1), port: 3000 }));

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function assign(balancer: ConsistentHashStrategy, list: readonly ServiceInstance[]): string[] {
  return KEYS.map((key) => balancer.pick(list, { hashKey: key })!.id);
}

describe('ConsistentHashStrategy', () => {
  it('sends the same key to the same instance, whatever the list order', () => {
    const list = instances(5);
    const balancer = new ConsistentHashStrategy(seededRandom(1), 160);
    const first = assign(balancer, list);
    expect(assign(balancer, [...list].reverse())).toEqual(first);
    expect(assign(new ConsistentHashStrategy(seededRandom(2), 160), list)).toEqual(first);
  });

  it('spreads 10,000 keys over 5 instances without a hot spot', () => {
    const owners = assign(new ConsistentHashStrategy(seededRandom(1), 160), instances(5));
    const counts = new Map<string, number>();
    for (const id of owners) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(5);
    for (const count of counts.values()) expect(Math.abs(count - 2_000)).toBeLessThan(500);
  });

  it.each([0, 1, 2, 3, 4])('moves only the keys of instance %i when it leaves (≤ 1/N + 5%)', (leaving) => {
    const list = instances(5);
    const balancer = new ConsistentHashStrategy(seededRandom(1), 160);
    const before = assign(balancer, list);
    const gone = list[leaving]!.id;
    const after = assign(balancer, list.filter((x) => x.id !== gone));
    const moved = KEYS.filter((_, i) => before[i] !== after[i]);
    expect(moved.length / KEYS.length).toBeLessThanOrEqual(1 / 5 + 0.05);
    expect(KEYS.filter((_, i) => before[i] !== after[i] && before[i] !== gone)).toEqual([]);
  });

  it('falls back to random picks without a hash key', () => {
    const list = instances(3);
    const balancer = new ConsistentHashStrategy(seededRandom(3), 160);
    const ports = new Set(Array.from({ length: 60 }, () => balancer.pick(list)!.address));
    expect(ports.size).toBe(3);
  });

  it('reuses the ring for a new array of the same instances and rebuilds it when one joins', () => {
    const list = instances(3);
    const balancer = new ConsistentHashStrategy(seededRandom(3), 160);
    const before = assign(balancer, list);
    expect(assign(balancer, [...list])).toEqual(before);
    const grown = [...list, ...instances(4).slice(3)];
    const after = assign(balancer, grown);
    const newcomer = grown[3]!.id;
    expect(after.filter((id) => id === newcomer).length).toBeGreaterThan(1_500);
    expect(KEYS.filter((_, i) => before[i] !== after[i] && after[i] !== newcomer)).toEqual([]);
  });
});
