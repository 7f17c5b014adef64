import type { ServiceInstance } from './service-instance.js';

/** What a watcher receives on every change. */
export interface DiscoverySnapshot {
  readonly service: string;
  /** Healthy (passing) instances. */
  readonly instances: readonly ServiceInstance[];
  /** True while the registry is unreachable and this is the last good answer. */
  readonly stale: boolean;
}

/** Stops a watch; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * Where instances come from. `ConsulDiscovery` asks a Consul-compatible registry
 * (our `apps/registry`, or a real Consul cluster); `StaticDiscovery` serves a fixed list.
 */
export interface DiscoverySource {
  /** Healthy instances of `service` now (served from the watch cache when one is live). */
  resolve(service: string): Promise<readonly ServiceInstance[]>;
  /** Calls `listener` with the current instances, then on every change, until unsubscribed. */
  watch(service: string, listener: (snapshot: DiscoverySnapshot) => void): Unsubscribe;
  /** Names of all registered services. */
  services(): Promise<readonly string[]>;
  /** Calls `listener` with the service names now, then whenever the set changes. */
  watchServices(listener: (services: readonly string[]) => void): Unsubscribe;
  /** Stops every watch and releases connections. */
  close(): Promise<void>;
}
