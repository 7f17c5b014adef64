import type { InstanceFields } from '@meshway/discovery';
import { GatewayConfigError } from '../gateway.errors.js';

const ENTRY = /^([A-Za-z0-9_.-]+)=(.+)$/;
const ADDRESS = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Parses `GATEWAY_STATIC_UPSTREAMS` (`users=127.0.0.1:3001 127.0.0.1:3002;orders=10.0.0.5:4000`) into instances. */
export function parseStaticUpstreams(value: string): InstanceFields[] {
  const instances: InstanceFields[] = [];
  for (const raw of value.split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = ENTRY.exec(entry);
    if (!match) throw new GatewayConfigError(`GATEWAY_STATIC_UPSTREAMS: expected "service=host:port …", got ${JSON.stringify(entry)}`);
    const [, service = '', addresses = ''] = match;
    for (const address of addresses.trim().split(/\s+/)) {
      const parts = ADDRESS.exec(address);
      const port = Number(parts?.[2]);
      if (!parts || port < 1 || port > 65_535) throw new GatewayConfigError(`GATEWAY_STATIC_UPSTREAMS: expected host:port for ${service}, got ${JSON.stringify(address)}`);
      instances.push({ service, address: (parts[1] ?? '').replace(/^\[|\]$/g, ''), port });
    }
  }
  return instances;
}
