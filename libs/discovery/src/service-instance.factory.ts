import { DEFAULT_WEIGHT, META } from './meta-keys.js';
import type { ServiceInstance, Transport } from './service-instance.js';

/** The raw fields of an instance; the `meshway-*` meta keys fill in the derived ones. */
export interface InstanceFields {
  readonly service: string;
  readonly address: string;
  readonly port: number;
  readonly id?: string;
  readonly tags?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
}

function transportOf(meta: Readonly<Record<string, string>>): Transport {
  return meta[META.transport] === 'nats' ? 'nats' : 'http';
}

function weightOf(meta: Readonly<Record<string, string>>): number {
  const raw = meta[META.weight];
  if (raw === undefined || !/^\d+$/.test(raw)) return DEFAULT_WEIGHT;
  return Number(raw);
}

/** Builds a {@link ServiceInstance}, reading transport, version and weight from meta. */
export function createInstance(fields: InstanceFields): ServiceInstance {
  const meta = fields.meta ?? {};
  return {
    id: fields.id ?? `${fields.service}-${fields.address}-${fields.port}`,
    service: fields.service,
    address: fields.address,
    port: fields.port,
    tags: fields.tags ?? [],
    meta,
    transport: transportOf(meta),
    version: meta[META.version],
    serviceVersion: meta[META.serviceVersion],
    scheme: meta[META.scheme] === 'https' ? 'https' : 'http',
    weight: weightOf(meta),
  };
}
