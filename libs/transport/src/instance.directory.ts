import type { DiscoverySource, ServiceInstance, Unsubscribe } from '@meshway/discovery';
import type { TransportLogger } from './transport.logger.js';

interface Watched {
  instances: readonly ServiceInstance[] | undefined;
  stop: Unsubscribe;
}

/**
 * The instances of each service the client has called, kept current by one discovery watch per
 * service (so a call costs no registry round trip), and told to `onChange` with every instance still
 * alive, so per-instance resources (HTTP pools) of instances that left are released.
 */
export class InstanceDirectory {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly discovery: DiscoverySource,
    private readonly onChange: (live: readonly ServiceInstance[]) => void,
    private readonly logger: TransportLogger,
  ) {}

  /** Current instances of `service`; the first call for a service starts its watch. */
  async instances(service: string): Promise<readonly ServiceInstance[]> {
    const entry = this.watched.get(service) ?? this.watch(service);
    if (entry.instances) return entry.instances;
    // The source answers its watch asynchronously (a registry round trip): ask once directly meanwhile.
    const resolved = await this.discovery.resolve(service);
    return this.watched.get(service)?.instances ?? resolved;
  }

  /** The watched instances of `service` now, without waiting (undefined until its watch answered). */
  current(service: string): readonly ServiceInstance[] | undefined {
    return this.watched.get(service)?.instances;
  }

  close(): void {
    for (const entry of this.watched.values()) entry.stop();
    this.watched.clear();
  }

  private watch(service: string): Watched {
    const entry: Watched = { instances: undefined, stop: () => undefined };
    this.watched.set(service, entry);
    entry.stop = this.discovery.watch(service, (snapshot) => {
      const before = entry.instances;
      entry.instances = snapshot.instances;
      if (snapshot.stale) this.logger.warn({ service }, 'registry unreachable; calling the last known instances');
      if (before && before !== snapshot.instances) this.onChange(this.live());
    });
    return entry;
  }

  /** Every instance of every watched service now (to keep their resources, release the rest). */
  live(): ServiceInstance[] {
    return [...this.watched.values()].flatMap((entry) => entry.instances ?? []);
  }
}
