import { createBalancer } from '@meshway/balancing';
import { StaticDiscovery, type DiscoverySource } from '@meshway/discovery';
import { describe, expect, it } from 'vitest';
import { MeshClient } from './mesh-client.js';
import { resolveOptions, type MeshClientOptions } from './mesh-client.options.js';

const discovery = new StaticDiscovery();

describe('MeshClient options', () => {
  it('fills defaults: round-robin per service, 5 s budget, 32 sockets per instance, no NATS', () => {
    const resolved = resolveOptions({ discovery });
    expect(resolved).toMatchObject({ defaultTimeoutMs: 5_000, nats: undefined, http: { connections: 32, keepAliveTimeoutMs: 4_000 } });
    const a = resolved.balancerFor('users');
    expect(a.name).toBe('round-robin');
    expect(resolved.balancerFor('orders')).not.toBe(a);
  });

  it('shares one Balancer object across services when given one', () => {
    const balancer = createBalancer('least-request');
    const resolved = resolveOptions({ discovery, balancer });
    expect(resolved.balancerFor('users')).toBe(balancer);
    expect(resolved.balancerFor('orders')).toBe(balancer);
  });

  it.each([
    [{ discovery: undefined as unknown as DiscoverySource }, 'discovery: got undefined; allowed: a DiscoverySource (ConsulDiscovery, StaticDiscovery, …)'],
    [{ discovery, balancer: 'fastest' as 'random' }, 'balancer: got "fastest"; allowed: round-robin, random, weighted, least-request, p2c-ewma, consistent-hash, or a Balancer'],
    [{ discovery, nats: { servers: [] } }, 'nats: got object; allowed: { servers: ["nats://host:4222", …] } (non-empty) or a NatsConnection'],
    [{ discovery, defaultTimeoutMs: -1 }, 'defaultTimeoutMs: got -1; allowed: a positive integer'],
    [{ discovery, http: { connections: 1.5 } }, 'http.connections: got 1.5; allowed: a positive integer'],
  ])('rejects %o with MESHWAY_TRANSPORT_INVALID_OPTIONS naming the option, the value and what is allowed', (options, message) => {
    expect(() => new MeshClient(options as MeshClientOptions)).toThrow(
      expect.objectContaining({ code: 'MESHWAY_TRANSPORT_INVALID_OPTIONS', message: `Invalid MeshClient option ${message}` }),
    );
  });
});
