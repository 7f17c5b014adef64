import { formatIp, parseIp, type IpAddress, type TrustedProxies } from './trusted-proxies.js';

/** Entries looked at, at most, empty ones included (a longer chain of trusted proxies is a misconfiguration or an attack). */
export const MAX_FORWARDED_HOPS = 32;
/** Longest entry looked at: an IPv6 address with brackets, port and a zone id fits easily. */
const MAX_ENTRY = 100;

const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;

/** One X-Forwarded-For entry: an address, optionally `1.2.3.4:port`, `[v6]` or `[v6]:port` (some balancers add ports). */
function parseHop(entry: string): IpAddress | undefined {
  if (entry.length > MAX_ENTRY) return undefined;
  const inner = BRACKETED.exec(entry)?.[1] ?? IPV4_WITH_PORT.exec(entry)?.[1] ?? entry;
  return parseIp(inner);
}

/**
 * The client's IP as this server should believe it (the algorithm of `proxy-addr`, and nginx's `real_ip_recursive`):
 * start at the direct peer; while the address in hand is a trusted proxy, step one entry left in X-Forwarded-For;
 * the first address that is not a trusted proxy is the client. So X-Forwarded-For from an untrusted peer is never
 * read, and whatever a client wrote left of the entries our own proxies appended is never reached.
 *
 * Empty entries are skipped. A malformed entry ends the walk at the last good address (the trusted hop that passed it
 * on): it cannot be believed, and anything left of it came from the same untrusted source. So does a chain longer than
 * {@link MAX_FORWARDED_HOPS}. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as IPv4, in the list and in the answer.
 * Returns undefined only when the peer's own address is unusable (a socket already gone).
 */
export function clientIp(remoteAddress: string | undefined, xForwardedFor: string | readonly string[] | undefined, trusted: TrustedProxies): string | undefined {
  const peer = remoteAddress === undefined ? undefined : parseIp(remoteAddress);
  if (peer === undefined) return undefined;
  if (xForwardedFor === undefined || trusted.empty || !trusted.trusts(peer)) return formatIp(peer);
  const header = typeof xForwardedFor === 'string' ? xForwardedFor : xForwardedFor.join(',');
  let current = peer;
  let end = header.length;
  for (let entries = 0; end > 0 && entries < MAX_FORWARDED_HOPS; entries += 1) {
    const comma = header.lastIndexOf(',', end - 1);
    const entry = header.slice(comma + 1, end).trim();
    end = comma < 0 ? 0 : comma;
    if (entry === '') continue;
    const hop = parseHop(entry);
    if (hop === undefined) break;
    current = hop;
    if (!trusted.trusts(hop)) break;
  }
  return formatIp(current);
}
