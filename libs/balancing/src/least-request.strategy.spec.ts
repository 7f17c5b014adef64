import { seededRandom } from '@meshway/clock';
import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { LeastRequestStrategy } from './least-request.strategy.js';

const instances = (n: number): ServiceInstance[] =>
  Array.from({ length: n }, (_, i) => createInstance({ service: 'users', address: '127.0.0.1', port: 3000 + i }));

describe('LeastRequestStrategy', () => {
  it('prefers the idle instance over busy ones', () => {
    const [a, b, c] = instances(3) as [ServiceInstance, ServiceInstance, ServiceInstance];
    const balancer = new LeastRequestStrategy(seededRandom(1));
    balancer.begin(a);
    balancer.begin(a);
    balancer.begin(c);
    for (let i = 0; i < 20; i++) expect(balancer.pick([a, b, c])).toBe(b);
  });

  it('counts a request as finished once, when its outcome is reported', () => {
    const [a, b] = instances(2) as [ServiceInstance, ServiceInstance];
    const balancer = new LeastRequestStrategy(seededRandom(1));
    const done = balancer.begin(a);
    balancer.begin(b);
    balancer.begin(b);
    expect(balancer.pick([a, b])).toBe(a);
    done({ ok: true, latencyMs: 5 });
    done({ ok: true, latencyMs: 5 });
    expect(balancer.inflightOf(a.id)).toBe(0);
    expect(balancer.inflightOf(b.id)).toBe(2);
  });

  it('breaks ties at random, so equally loaded instances share the load', () => {
    const list = instances(4);
    const balancer = new LeastRequestStrategy(seededRandom(9));
    const counts = new Map<number, number>();
    for (let i = 0; i < 8_000; i++) {
      const port = balancer.pick(list)!.port;
      counts.set(port, (counts.get(port) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const count of counts.values()) expect(Math.abs(count - 2_000)).toBeLessThan(150);
  });

  it('keeps in-flight counts even across picks from a different list', () => {
    const list = instances(2);
    const balancer = new LeastRequestStrategy(seededRandom(3));
    const open = Array.from({ length: 10 }, () => {
      const chosen = balancer.pick(list)!;
      balancer.begin(chosen);
      return chosen.port;
    });
    expect(open.filter((port) => port === 3000)).toHaveLength(5);
    expect(balancer.pick([...list])).toBeDefined();
  });
});
