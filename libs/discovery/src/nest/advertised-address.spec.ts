import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedAddress, instanceId } from './advertised-address.js';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) => ({ address, family, internal }) as NetworkInterfaceInfo;
const interfaces = { lo: [iface('127.0.0.1', 'IPv4', true)], eth0: [iface('fe80::1', 'IPv6', false), iface('10.1.2.3', 'IPv4', false)] };

describe('advertisedAddress', () => {
  it('uses the configured address first', () => {
    expect(advertisedAddress('users.internal', '127.0.0.1', interfaces)).toBe('users.internal');
  });

  it('uses the bound address when it is a real one (Fastify binds 127.0.0.1 by default)', () => {
    expect(advertisedAddress(undefined, '127.0.0.1', interfaces)).toBe('127.0.0.1');
    expect(advertisedAddress(undefined, '::ffff:10.0.0.7', interfaces)).toBe('10.0.0.7');
  });

  it('uses the first external IPv4 for a wildcard bind, which nobody can connect to', () => {
    expect(advertisedAddress(undefined, '0.0.0.0', interfaces)).toBe('10.1.2.3');
    expect(advertisedAddress(undefined, '::', interfaces)).toBe('10.1.2.3');
  });

  it('falls back to loopback on a machine with no external interface', () => {
    expect(advertisedAddress(undefined, '0.0.0.0', { lo: interfaces.lo })).toBe('127.0.0.1');
  });
});

describe('instanceId', () => {
  it('is <name>-<host>-<port>-<hex>, with the host made id-safe', () => {
    expect(instanceId('users', 4100, 'a1b2', 'build box_1')).toBe('users-build-box-1-4100-a1b2');
  });
});
