import type { DiscoverySnapshot, DiscoverySource, Unsubscribe } from './discovery.source.js';
import { createInstance, type InstanceFields } from './service-instance.factory.js';
import type { ServiceInstance } from './service-instance.js';

/**
 * A fixed list of instances: for tests and for setups without a registry.
 * `set()` replaces a service's instances and notifies watchers synchronously.
 */
export class StaticDiscovery implements DiscoverySource {
  private readonly instances = new Map<string, readonly ServiceInstance[]>();
  private readonly watchers = new Map<string, Set<(snapshot: DiscoverySnapshot) => void>>();
  private readonly serviceWatchers = new Set<(services: readonly string[]) => void>();

  constructor(initial: readonly InstanceFields[] = []) {
    for (const fields of initial) {
      const instance = createInstance(fields);
      this.instances.set(instance.service, [...(this.instances.get(instance.service) ?? []), instance]);
    }
  }

  /** Replaces the instances of `service` (an empty list removes it). */
  set(service: string, instances: readonly Omit<InstanceFields, 'service'>[]): void {
    const before = this.names().join('\n');
    if (instances.length === 0) this.instances.delete(service);
    else this.instances.set(service, instances.map((fields) => createInstance({ ...fields, service })));
    const snapshot = this.snapshot(service);
    for (const listener of this.watchers.get(service) ?? []) listener(snapshot);
    if (this.names().join('\n') !== before) for (const listener of this.serviceWatchers) listener(this.names());
  }

  resolve(service: string): Promise<readonly ServiceInstance[]> {
    return Promise.resolve(this.instances.get(service) ?? []);
  }

  watch(service: string, listener: (snapshot: DiscoverySnapshot) => void): Unsubscribe {
    const set = this.watchers.get(service) ?? new Set();
    this.watchers.set(service, set);
    set.add(listener);
    listener(this.snapshot(service));
    return () => set.delete(listener);
  }

  services(): Promise<readonly string[]> {
    return Promise.resolve(this.names());
  }

  watchServices(listener: (services: readonly string[]) => void): Unsubscribe {
    this.serviceWatchers.add(listener);
    listener(this.names());
    return () => this.serviceWatchers.delete(listener);
  }

  close(): Promise<void> {
    this.watchers.clear();
    this.serviceWatchers.clear();
    return Promise.resolve();
  }

  private names(): string[] {
    return [...this.instances.keys()].sort();
  }

  private snapshot(service: string): DiscoverySnapshot {
    return { service, instances: this.instances.get(service) ?? [], stale: false };
  }
}
