import { describe, expect, it } from 'vitest';
import { resolveOptions } from './registry.options.js';

describe('resolveOptions', () => {
  it('fills Consul-like defaults', () => {
    expect(resolveOptions({ dataDir: '/tmp/x' })).toMatchObject({ port: 8500, host: '127.0.0.1', datacenter: 'dc1', aclToken: undefined, minCheckIntervalMs: 1_000 });
  });

  it.each([
    [{ dataDir: '' }, 'Invalid registry option dataDir="": expected a directory path'],
    [{ dataDir: '/d', port: 70_000 }, 'Invalid registry option port=70000: expected an integer 0-65535'],
    [{ dataDir: '/d', host: 'not a host' }, 'Invalid registry option host="not a host": expected an IP address or localhost'],
    [{ dataDir: '/d', checkpointIntervalMs: 0 }, 'Invalid registry option checkpointIntervalMs=0: expected a positive number'],
  ])('rejects %j naming the option, the value and what is allowed', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(message);
  });

  it('allows a non-loopback host only with an ACL token', () => {
    expect(() => resolveOptions({ dataDir: '/d', host: '0.0.0.0' })).toThrow(expect.objectContaining({ code: 'MESHWAY_REGISTRY_OPEN_NON_LOOPBACK' }));
    expect(resolveOptions({ dataDir: '/d', host: '0.0.0.0', aclToken: 't' })).toMatchObject({ host: '0.0.0.0', advertiseAddress: '127.0.0.1' });
  });
});
