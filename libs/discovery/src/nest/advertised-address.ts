import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '::0', '']);

/**
 * The address to register: the configured one; else the address the listener is bound to; for a
 * wildcard bind (0.0.0.0, ::) the first external IPv4, since a wildcard is not reachable; else loopback.
 */
export function advertisedAddress(configured: string | undefined, bound: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string {
  if (configured !== undefined) return configured;
  const plain = bound.startsWith('::ffff:') ? bound.slice('::ffff:'.length) : bound;
  if (!WILDCARDS.has(plain)) return plain;
  for (const list of Object.values(interfaces)) {
    const external = list?.find((info) => info.family === 'IPv4' && !info.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}

/** `<name>-<host>-<port>-<4 hex>`: readable in a dashboard, unique across restarts on one port. */
export function instanceId(name: string, port: number, randomHex: string, host: string = hostname()): string {
  const safeHost = host.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 63) || 'host';
  return `${name}-${safeHost}-${port}-${randomHex}`;
}
