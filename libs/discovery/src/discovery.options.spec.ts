import { describe, expect, it } from 'vitest';
import { resolveDiscoveryOptions } from './discovery.options.js';

describe('resolveDiscoveryOptions', () => {
  it('defaults to the local agent, a 60 s wait and no token', () => {
    const resolved = resolveDiscoveryOptions({}, {});
    expect(resolved.connection).toEqual({ baseUrl: 'http://127.0.0.1:8500/v1', token: undefined, datacenter: undefined, timeoutMs: 5_000 });
    expect(resolved.waitSeconds).toBe(60);
  });

  it('reads CONSUL_HTTP_ADDR and CONSUL_HTTP_TOKEN from the environment, as the Consul CLI does', () => {
    const resolved = resolveDiscoveryOptions({}, { CONSUL_HTTP_ADDR: '10.0.0.5:8501', CONSUL_HTTP_TOKEN: 's3cr3t' });
    expect(resolved.connection.baseUrl).toBe('http://10.0.0.5:8501/v1');
    expect(resolved.connection.token).toBe('s3cr3t');
  });

  it('prefers explicit options over the environment and keeps a path prefix', () => {
    const resolved = resolveDiscoveryOptions({ addr: 'https://mesh.example.com/consul/', token: 't', datacenter: 'eu-1' }, { CONSUL_HTTP_ADDR: 'http://other:1' });
    expect(resolved.connection).toMatchObject({ baseUrl: 'https://mesh.example.com/consul/v1', token: 't', datacenter: 'eu-1' });
  });

  it.each([
    [{ addr: 'not a url' }, /"addr": got "not a url"; allowed: an http:\/\/ or https:\/\/ URL/],
    [{ addr: 'ftp://registry:21' }, /"addr": got "ftp:\/\/registry:21"/],
    [{ waitSeconds: 0 }, /"waitSeconds": got 0; allowed: an integer from 1 to 600/],
    [{ waitSeconds: 601 }, /"waitSeconds": got 601/],
    [{ datacenter: 'eu west' }, /"datacenter": got "eu west"/],
    [{ timeoutMs: -1 }, /"timeoutMs": got -1/],
    [{ token: 'has space' }, /"token": got "has space"/],
    [{ logger: { warn: () => undefined } }, /"logger": got \{\}; allowed: an object with warn\(obj, msg\) and info\(obj, msg\)/],
  ])('rejects %j naming the option, the value and what is allowed', (options, message) => {
    expect(() => resolveDiscoveryOptions(options as never, {})).toThrow(message);
    expect(() => resolveDiscoveryOptions(options as never, {})).toThrow(expect.objectContaining({ code: 'MESHWAY_DISCOVERY_INVALID_OPTIONS', name: 'DiscoveryError' }));
  });

  it('rejects a bad CONSUL_HTTP_ADDR from the environment too', () => {
    expect(() => resolveDiscoveryOptions({}, { CONSUL_HTTP_ADDR: 'http://' })).toThrow(/"addr": got "http:\/\/"/);
  });
});
