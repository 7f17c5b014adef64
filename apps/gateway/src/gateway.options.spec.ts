import { describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { GATEWAY_DEFAULTS, resolveOptions, type GatewayOptions } from './gateway.options.js';

const discovery = new StaticDiscovery();

describe('gateway options', () => {
  it('fills every default in one place', () => {
    const resolved = resolveOptions({ discovery });
    expect(resolved).toMatchObject({ port: 8080, adminPort: 8081, host: '127.0.0.1', drainTimeoutMs: 10_000, nats: undefined });
    expect(resolved.defaults).toEqual(GATEWAY_DEFAULTS.route);
  });

  it('takes a single NATS URL or a list, required unless said otherwise', () => {
    expect(resolveOptions({ discovery, nats: { servers: 'nats://a:4222' } }).nats).toEqual({ servers: ['nats://a:4222'], required: true });
    expect(resolveOptions({ discovery, nats: { servers: ['nats://a:4222', 'nats://b:4222'], required: false } }).nats?.required).toBe(false);
  });

  it.each([
    [{ port: 70_000 }, 'Invalid gateway option port: got 70000; allowed: an integer from 0 to 65535'],
    [{ adminPort: -1 }, 'Invalid gateway option adminPort: got -1'],
    [{ drainTimeoutMs: 1.5 }, 'Invalid gateway option drainTimeoutMs: got 1.5'],
    [{ defaults: { balancer: 'fastest' } }, 'Invalid gateway option defaults.balancer: got "fastest"; allowed: round-robin'],
    [{ defaults: { timeoutMs: 0 } }, 'Invalid gateway option defaults.timeoutMs: got 0'],
    [{ nats: { servers: [] } }, 'Invalid gateway option nats.servers: got []'],
  ])('rejects %j naming the option, the value and what is allowed', (given, message) => {
    expect(() => resolveOptions({ discovery, ...given } as unknown as GatewayOptions)).toThrow(message);
    expect(() => resolveOptions({ discovery, ...given } as unknown as GatewayOptions)).toThrow(expect.objectContaining({ code: 'MESHWAY_GATEWAY_INVALID_CONFIG' }) as Error);
  });

  it('rejects a missing discovery source', () => {
    expect(() => resolveOptions({} as GatewayOptions)).toThrow('Invalid gateway option discovery: got "undefined"; allowed: a DiscoverySource');
  });
});
