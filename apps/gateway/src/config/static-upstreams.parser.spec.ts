import { describe, expect, it } from 'vitest';
import { parseStaticUpstreams } from './static-upstreams.parser.js';

describe('GATEWAY_STATIC_UPSTREAMS', () => {
  it('reads services with one or more host:port instances', () => {
    expect(parseStaticUpstreams('users=127.0.0.1:3001 127.0.0.1:3002; orders=[::1]:4000;')).toEqual([
      { service: 'users', address: '127.0.0.1', port: 3001 },
      { service: 'users', address: '127.0.0.1', port: 3002 },
      { service: 'orders', address: '::1', port: 4000 },
    ]);
  });

  it.each([['users'], ['users=localhost'], ['users=127.0.0.1:99999'], ['=127.0.0.1:1']])('rejects %j', (value) => {
    expect(() => parseStaticUpstreams(value)).toThrow(/GATEWAY_STATIC_UPSTREAMS: expected/);
  });
});
