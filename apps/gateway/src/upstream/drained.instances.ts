import type { KeyValueStore, KvEntry, ServiceInstance } from '@meshway/discovery';
import { GatewayError } from '../gateway.errors.js';

/** `meshway/gateway/drained/<instance id>` in KV: every replica stops sending new requests to a drained instance. */
export const DRAINED_PREFIX = 'meshway/gateway/drained/';

/** A drained instance, as the admin API shows it. */
export interface DrainedInstance {
  readonly id: string;
  readonly since: string;
  readonly reason: string;
}

/**
 * Instances an operator took out of rotation (before maintenance or a shutdown): kept in KV so all replicas agree, read
 * from the gateway's KV watch. A drained instance gets no new request; requests in flight finish; it stays registered.
 */
export class DrainedInstances {
  private drained = new Map<string, DrainedInstance>();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: { now(): number },
    private readonly onChange: () => void,
  ) {}

  has(id: string): boolean {
    return this.drained.has(id);
  }

  /** `instances` without the drained ones (the same array when none is drained: callers cache by identity). */
  filter(instances: readonly ServiceInstance[]): readonly ServiceInstance[] {
    if (this.drained.size === 0) return instances;
    return instances.some((instance) => this.drained.has(instance.id)) ? instances.filter((instance) => !this.drained.has(instance.id)) : instances;
  }

  list(): DrainedInstance[] {
    return [...this.drained.values()];
  }

  update(entries: readonly KvEntry[]): void {
    const next = new Map<string, DrainedInstance>();
    for (const entry of entries) {
      if (!entry.key.startsWith(DRAINED_PREFIX)) continue;
      const id = entry.key.slice(DRAINED_PREFIX.length);
      const { since, reason } = parseRecord(entry.value);
      next.set(id, { id, since, reason });
    }
    const changed = next.size !== this.drained.size || [...next.keys()].some((id) => !this.drained.has(id));
    this.drained = next;
    if (changed) this.onChange();
  }

  async drain(id: string, reason: string): Promise<DrainedInstance> {
    checkId(id);
    const record = { id, since: new Date(this.clock.now()).toISOString(), reason: reason.slice(0, 200) };
    await this.kv.set(`${DRAINED_PREFIX}${id}`, JSON.stringify({ since: record.since, reason: record.reason }));
    this.update(await this.kv.list(DRAINED_PREFIX));
    return record;
  }

  async undrain(id: string): Promise<void> {
    checkId(id);
    if (!this.drained.has(id)) throw new GatewayError('MESHWAY_NOT_FOUND', `Instance ${id} is not drained.`);
    await this.kv.delete(`${DRAINED_PREFIX}${id}`);
    this.update(await this.kv.list(DRAINED_PREFIX));
  }
}

function parseRecord(value: string): { since: string; reason: string } {
  try {
    const parsed = JSON.parse(value) as { since?: unknown; reason?: unknown };
    return { since: typeof parsed.since === 'string' ? parsed.since : '', reason: typeof parsed.reason === 'string' ? parsed.reason : '' };
  } catch {
    return { since: '', reason: '' };
  }
}

function checkId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/.test(id)) throw new GatewayError('MESHWAY_BAD_REQUEST', `Not an instance id: ${JSON.stringify(id.slice(0, 200))}.`);
}
