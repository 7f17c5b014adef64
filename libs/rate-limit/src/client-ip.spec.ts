import { describe, expect, it } from 'vitest';
import { clientIp, MAX_FORWARDED_HOPS } from './client-ip.js';
import { RateLimitErrorCode } from './rate-limit.errors.js';
import { trustProxies } from './trusted-proxies.js';

const lb = trustProxies(['10.0.0.0/8', '2001:db8::/32']);
const none = trustProxies([]);

describe('clientIp', () => {
  it.each([
    // [case, peer, X-Forwarded-For, trusted, client]
    ['no proxy trusted: XFF ignored', '203.0.113.7', '1.2.3.4', none, '203.0.113.7'],
    ['untrusted peer: spoofed XFF ignored', '203.0.113.7', '1.2.3.4', lb, '203.0.113.7'],
    ['untrusted peer with a "trusted" XFF: ignored', '203.0.113.7', '10.0.0.9', lb, '203.0.113.7'],
    ['trusted peer, no XFF', '10.0.0.2', undefined, lb, '10.0.0.2'],
    ['trusted peer: the entry it appended', '10.0.0.2', '198.51.100.4', lb, '198.51.100.4'],
    ['client-written entries left of ours are never reached', '10.0.0.2', '1.1.1.1, 2.2.2.2, 198.51.100.4', lb, '198.51.100.4'],
    ['a chain of trusted proxies is walked through', '10.0.0.2', '198.51.100.4, 10.1.1.1, 10.2.2.2', lb, '198.51.100.4'],
    ['all trusted: the leftmost', '10.0.0.2', '10.3.3.3, 10.1.1.1', lb, '10.3.3.3'],
    ['IPv6 peer and client', '2001:db8::1', '2001:DB8:0:0:0:0:0:FFFF, 2606:4700::1111', lb, '2606:4700::1111'],
    ['IPv4-mapped peer matches an IPv4 CIDR', '::ffff:10.0.0.2', '198.51.100.4', lb, '198.51.100.4'],
    ['IPv4-mapped client is answered as IPv4', '10.0.0.2', '::ffff:198.51.100.4', lb, '198.51.100.4'],
    ['IPv4-mapped untrusted peer, normalised', '::ffff:203.0.113.7', '1.2.3.4', lb, '203.0.113.7'],
    ['IPv6 answered in RFC 5952 form', '2001:DB8:0::0:1', undefined, none, '2001:db8::1'],
    ['ports and brackets some balancers add', '10.0.0.2', '[2606:4700::1]:443, 10.9.9.9:8080', lb, '2606:4700::1'],
    ['IPv4 with port', '10.0.0.2', '198.51.100.4:51234', lb, '198.51.100.4'],
    ['header given as an array', '10.0.0.2', ['1.1.1.1', '198.51.100.4'], lb, '198.51.100.4'],
    ['empty entries skipped', '10.0.0.2', '198.51.100.4, , ,', lb, '198.51.100.4'],
    ['malformed entry: stop at the trusted hop that passed it', '10.0.0.2', '198.51.100.4, not-an-ip', lb, '10.0.0.2'],
    ['malformed left of a trusted hop: that hop', '10.0.0.2', 'garbage, 10.1.1.1', lb, '10.1.1.1'],
    ['lenient IPv4 forms are not IPs', '10.0.0.2', '0x7f.1, 10.1.1.1', lb, '10.1.1.1'],
    ['leading zeros are not IPs', '10.0.0.2', '010.0.0.1', lb, '10.0.0.2'],
    ['a huge entry is malformed', '10.0.0.2', '9'.repeat(5_000), lb, '10.0.0.2'],
    ['CIDR-looking entry is malformed', '10.0.0.2', '1.2.3.0/24', lb, '10.0.0.2'],
    ['empty header', '10.0.0.2', '', lb, '10.0.0.2'],
    ['peer address gone', undefined, '1.2.3.4', lb, undefined],
    ['peer not an IP', 'unix-socket', '1.2.3.4', lb, undefined],
  ] as const)('%s', (_, peer, xff, trusted, client) => {
    expect(clientIp(peer, xff, trusted)).toBe(client);
  });

  it('stops after MAX_FORWARDED_HOPS entries of trusted proxies', () => {
    const chain = ['198.51.100.4', ...Array.from({ length: MAX_FORWARDED_HOPS + 5 }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`)].join(',');
    const answer = clientIp('10.0.0.2', chain, lb);
    expect(answer).not.toBe('198.51.100.4');
    expect(answer?.startsWith('10.')).toBe(true);
  });

  it('spoofing never changes the answer for an untrusted peer, whatever the header', () => {
    for (const xff of ['1.1.1.1', '10.0.0.1', '::1', 'x'.repeat(1_000), ',,,', '2.2.2.2, 3.3.3.3']) {
      expect(clientIp('203.0.113.7', xff, lb)).toBe('203.0.113.7');
    }
  });
});

describe('trustProxies', () => {
  it('accepts CIDRs, single addresses, mapped ranges and names', () => {
    const trusted = trustProxies(['192.168.1.1', '::1', '::ffff:172.16.0.0/108', 'uniquelocal', ' loopback ']);
    expect(clientIp('192.168.1.1', '8.8.8.8', trusted)).toBe('8.8.8.8');
    expect(clientIp('192.168.1.2', '8.8.8.8', trusted)).toBe('8.8.8.8'); // uniquelocal covers it
    expect(clientIp('172.16.3.4', '8.8.8.8', trusted)).toBe('8.8.8.8');
    expect(clientIp('::1', '8.8.8.8', trusted)).toBe('8.8.8.8');
    expect(clientIp('127.0.0.1', '8.8.8.8', trusted)).toBe('8.8.8.8');
    expect(clientIp('8.8.4.4', '1.1.1.1', trusted)).toBe('8.8.4.4');
  });

  it.each([['10.0.0.0/33'], ['10.0.0/8'], ['2001:db8::/129'], ['localhost'], ['10.0.0.0/8/8'], ['']])('rejects %j naming the entry', (entry) => {
    expect(() => trustProxies(['10.0.0.0/8', entry], 'gateway.trustedProxies')).toThrow(
      expect.objectContaining({ code: RateLimitErrorCode.InvalidOptions, message: expect.stringContaining('gateway.trustedProxies[1]') as unknown }),
    );
  });
});
