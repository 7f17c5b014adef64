import type { DiscoverySource } from '@meshway/discovery';
import type { MeshClientOptions } from '../mesh-client.options.js';

/**
 * Options of `TransportModule`: those of MeshClient, with `discovery` optional — when absent the
 * module takes the `DiscoverySource` that `@meshway/discovery/nest` provides (`DISCOVERY_SOURCE`),
 * which must then be visible here (`DiscoveryModule.forRoot({ …, isGlobal: true })`).
 */
export interface TransportModuleOptions extends Omit<MeshClientOptions, 'discovery'> {
  readonly discovery?: DiscoverySource;
}
