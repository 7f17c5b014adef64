/** Injection tokens of `@meshway/discovery/nest`, all in one place. */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const DISCOVERY_MODULE_OPTIONS = Symbol.for('meshway.discovery.module-options');
/** The same options, validated and with defaults. */
export const RESOLVED_DISCOVERY_OPTIONS = Symbol.for('meshway.discovery.resolved-options');
/** A `DiscoverySource` (a `ConsulDiscovery`): `@Inject(DISCOVERY_SOURCE) discovery: DiscoverySource`. */
export const DISCOVERY_SOURCE = Symbol.for('meshway.discovery.source');
/** The `ServiceRegistrar` that keeps this app registered. */
export const SERVICE_REGISTRAR = Symbol.for('meshway.discovery.registrar');
