import { seededRandom } from '@meshway/clock';
import { createInstance, type ServiceInstance } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { BALANCER_NAMES } from './balancer.js';
import { createBalancer, isBalancerName } from './balancer.factory.js';

const instances = (n: number): ServiceInstance[] =>
  Array.from({ length: n }, (_, i) => createInstance({ service: 'users', address: '127.0.0.1', port: 3000 + i }));

describe('createBalancer', () => {
  it.each(BALANCER_NAMES)('makes a %s balancer that names itself and picks nothing from an empty list', (name) => {
    const balancer = createBalancer(name, { random: seededRandom(1) });
    expect(balancer.name).toBe(name);
    expect(balancer.pick([])).toBeUndefined();
    expect(balancer.pick([], { hashKey: 'k' })).toBeUndefined();
  });

  it.each(BALANCER_NAMES)('makes a %s balancer that picks the only instance there is', (name) => {
    const [only] = instances(1);
    const balancer = createBalancer(name, { random: seededRandom(1) });
    for (let i = 0; i < 5; i++) {
      const picked = balancer.pick([only!], { hashKey: `key-${i}` });
      expect(picked).toBe(only);
      balancer.begin(only!)({ ok: true, latencyMs: 3 });
    }
  });

  it('rejects an unknown name with MESHWAY_UNKNOWN_BALANCER listing the allowed names', () => {
    expect(() => createBalancer('fastest')).toThrow(
      expect.objectContaining({
        code: 'MESHWAY_UNKNOWN_BALANCER',
        message: 'Unknown balancer "fastest"; allowed: round-robin, random, weighted, least-request, p2c-ewma, consistent-hash',
      }),
    );
    expect(isBalancerName('fastest')).toBe(false);
    expect(isBalancerName('p2c-ewma')).toBe(true);
  });

  it.each([
    [{ ewmaDecayMs: 0 }, 'ewmaDecayMs: got 0; allowed: a positive finite number of milliseconds'],
    [{ ewmaDecayMs: Number.NaN }, 'ewmaDecayMs: got NaN'],
    [{ hashReplicas: 2.5 }, 'hashReplicas: got 2.5; allowed: an integer from 1 to 10000'],
    [{ hashReplicas: 0 }, 'hashReplicas: got 0'],
    [{ random: 'dice' as unknown as () => number }, 'random: got "dice"; allowed: a function'],
  ])('rejects bad option %o naming the option, the value and what is allowed', (options, message) => {
    expect(() => createBalancer('round-robin', options)).toThrow(
      expect.objectContaining({ code: 'MESHWAY_BALANCING_INVALID_OPTIONS', message: expect.stringContaining(message) }),
    );
  });

  it('gives every call its own state', () => {
    const list = instances(3);
    const a = createBalancer('round-robin');
    const b = createBalancer('round-robin');
    expect(a.pick(list)).toBe(list[0]);
    expect(b.pick(list)).toBe(list[0]);
  });
});
