import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { invalidOption } from './rate-limit.errors.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
type Range = readonly [IpAddress, number];

/** Names for common ranges (as `proxy-addr`): `loopback`, `linklocal`, `uniquelocal` (the private ranges). */
export const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Parses an address strictly (Node's `isIP`: no `127.1`, octal or hex forms, which `ipaddr.js` alone would accept),
 * with IPv4-mapped IPv6 (`::ffff:10.0.0.1`) taken as the IPv4 address it is. Undefined when not an IP.
 */
export function parseIp(text: string): IpAddress | undefined {
  return isIP(text) === 0 ? undefined : ipaddr.process(text);
}

/** The one spelling of an address used in keys and logs: dotted IPv4, RFC 5952 IPv6 (lower case, shortest). */
export function formatIp(address: IpAddress): string {
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/** `10.0.0.0/8`, `2001:db8::/32` or a single address; an IPv4-mapped IPv6 range becomes the IPv4 range it covers. */
function parseRange(entry: string): Range | undefined {
  const [address = '', bits, ...rest] = entry.split('/');
  if (rest.length > 0) return undefined;
  const parsed = isIP(address) === 0 ? undefined : ipaddr.parse(address);
  if (parsed === undefined) return undefined;
  const max = parsed.kind() === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  if (prefix < 0 || prefix > max) return undefined;
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    return [(parsed as ipaddr.IPv6).toIPv4Address(), prefix - 96];
  }
  return [parsed, prefix];
}

/** The proxies whose `X-Forwarded-For` is believed, compiled once at boot: see `trustProxies()` and `clientIp()`. */
export class TrustedProxies {
  private readonly v4: readonly Range[];
  private readonly v6: readonly Range[];

  /** Use `trustProxies()`: it validates the list. */
  constructor(ranges: readonly Range[]) {
    this.v4 = ranges.filter(([address]) => address.kind() === 'ipv4');
    this.v6 = ranges.filter(([address]) => address.kind() === 'ipv6');
  }

  /** True when no proxy is trusted (`X-Forwarded-For` is then never read). */
  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  trusts(address: IpAddress): boolean {
    const ranges = address.kind() === 'ipv4' ? this.v4 : this.v6;
    for (const range of ranges) if (address.match(range[0], range[1])) return true;
    return false;
  }
}

/**
 * Compiles the trusted proxy list: CIDRs (`10.0.0.0/8`, `2001:db8::/32`, `::ffff:10.0.0.0/104`), single addresses
 * (IPv4 or IPv6) and the names in {@link NAMED_RANGES}. A bad entry throws MESHWAY_RATE_LIMIT_INVALID_OPTIONS naming it.
 */
export function trustProxies(list: readonly string[] = [], option = 'trustedProxies'): TrustedProxies {
  if (!Array.isArray(list)) throw invalidOption(option, list, 'an array of CIDRs, IP addresses or "loopback" | "linklocal" | "uniquelocal"');
  const ranges: Range[] = [];
  list.forEach((entry: unknown, i) => {
    const text = typeof entry === 'string' ? entry.trim() : undefined;
    const named = text === undefined ? undefined : NAMED_RANGES[text.toLowerCase()];
    const parsed = named ? named.map(parseRange) : [text === undefined ? undefined : parseRange(text)];
    if (parsed.some((r) => r === undefined)) {
      throw invalidOption(`${option}[${i}]`, entry, 'a CIDR such as "10.0.0.0/8" or "2001:db8::/32", an IP address, or "loopback" | "linklocal" | "uniquelocal"');
    }
    ranges.push(...(parsed as Range[]));
  });
  return new TrustedProxies(ranges);
}
