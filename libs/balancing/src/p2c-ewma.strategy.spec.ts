import { seededRandom } from '@meshway/clock';
import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { P2cEwmaStrategy } from './p2c-ewma.strategy.js';

const instances = (n: number): ServiceInstance[] =>
  Array.from({ length: n }, (_, i) => createInstance({ service: 'users', address: '127.0.0.1', port: 3000 + i }));

/** Sends `requests` one after another, 10 ms apart; each takes the latency its instance has. */
async function drive(
  balancer: P2cEwmaStrategy,
  clock: FakeClock,
  list: readonly ServiceInstance[],
  latencyOf: (instance: ServiceInstance) => number,
  requests: number,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (let i = 0; i < requests; i++) {
    const chosen = balancer.pick(list)!;
    counts.set(chosen.port, (counts.get(chosen.port) ?? 0) + 1);
    const done = balancer.begin(chosen);
    done({ ok: true, latencyMs: latencyOf(chosen) });
    await clock.advance(10);
  }
  return counts;
}

describe('P2cEwmaStrategy', () => {
  it('shifts load away from a slow instance', async () => {
    const clock = new FakeClock(0);
    const list = instances(3);
    const balancer = new P2cEwmaStrategy(seededRandom(5), clock, 10_000);
    const counts = await drive(balancer, clock, list, (x) => (x.port === 3002 ? 200 : 5), 1_000);
    expect(counts.get(3002) ?? 0).toBeLessThan(20);
    expect(Math.abs((counts.get(3000) ?? 0) - (counts.get(3001) ?? 0))).toBeLessThan(150);
  });

  it('spreads load by in-flight requests when latencies are equal', () => {
    const clock = new FakeClock(0);
    const [a, b] = instances(2) as [ServiceInstance, ServiceInstance];
    const balancer = new P2cEwmaStrategy(seededRandom(5), clock, 10_000);
    balancer.begin(a)({ ok: true, latencyMs: 10 });
    balancer.begin(b)({ ok: true, latencyMs: 10 });
    balancer.begin(a);
    balancer.begin(a);
    expect(balancer.pick([a, b])).toBe(b);
    expect(balancer.costOf(a)).toBeCloseTo(30);
    expect(balancer.costOf(b)).toBeCloseTo(10);
  });

  it('gives a slow instance another try once its latency has decayed', async () => {
    const clock = new FakeClock(0);
    const [fast, slow] = instances(2) as [ServiceInstance, ServiceInstance];
    const balancer = new P2cEwmaStrategy(seededRandom(5), clock, 1_000);
    balancer.begin(fast)({ ok: true, latencyMs: 10 });
    balancer.begin(slow)({ ok: true, latencyMs: 100 });
    expect(balancer.pick([fast, slow])).toBe(fast);
    balancer.begin(fast)({ ok: true, latencyMs: 10 });
    await clock.advance(3_000);
    expect(balancer.costOf(slow)).toBeCloseTo(100 * Math.exp(-3), 5);
    balancer.begin(fast)({ ok: true, latencyMs: 10 });
    expect(balancer.pick([fast, slow])).toBe(slow);
  });

  it('jumps to a latency peak at once but lowers the estimate only gradually', async () => {
    const clock = new FakeClock(0);
    const [a] = instances(1) as [ServiceInstance];
    const balancer = new P2cEwmaStrategy(seededRandom(5), clock, 1_000);
    balancer.begin(a)({ ok: true, latencyMs: 10 });
    balancer.begin(a)({ ok: true, latencyMs: 80 });
    expect(balancer.costOf(a)).toBe(80);
    await clock.advance(100);
    balancer.begin(a)({ ok: true, latencyMs: 10 });
    const cost = balancer.costOf(a);
    expect(cost).toBeGreaterThan(60);
    expect(cost).toBeLessThan(80);
  });

  it('treats failures as slow, so a fast-failing instance does not attract traffic', () => {
    const clock = new FakeClock(0);
    const [healthy, failing] = instances(2) as [ServiceInstance, ServiceInstance];
    const balancer = new P2cEwmaStrategy(seededRandom(5), clock, 10_000);
    balancer.begin(healthy)({ ok: true, latencyMs: 20 });
    balancer.begin(failing)({ ok: true, latencyMs: 20 });
    for (let i = 0; i < 3; i++) balancer.begin(failing)({ ok: false, latencyMs: 1 });
    expect(balancer.costOf(failing)).toBe(160);
    expect(balancer.pick([healthy, failing])).toBe(healthy);
  });

  it('sends one probe to a new instance, then waits for its answer before sending more', () => {
    const clock = new FakeClock(0);
    const [known, fresh] = instances(2) as [ServiceInstance, ServiceInstance];
    const balancer = new P2cEwmaStrategy(seededRandom(5), clock, 10_000);
    balancer.begin(known)({ ok: true, latencyMs: 20 });
    expect(balancer.pick([known, fresh])).toBe(fresh);
    const done = balancer.begin(fresh);
    expect(balancer.pick([known, fresh])).toBe(known);
    done({ ok: true, latencyMs: 5 });
    expect(balancer.pick([known, fresh])).toBe(fresh);
  });
});
