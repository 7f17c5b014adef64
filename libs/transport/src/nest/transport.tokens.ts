/** Injection tokens of `@meshway/transport/nest`, all in one place. (MeshClient itself is injected by its class.) */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const TRANSPORT_MODULE_OPTIONS = Symbol.for('meshway.transport.module-options');

/**
 * Optional, provided by the app (e.g. `@meshway/service` from `MESHWAY_TLS_*`): the `UpstreamTlsOptions` MeshClient uses
 * when the module options give no `tls` — how a service's calls get its mTLS identity without configuring the module.
 */
export const MESH_CLIENT_TLS = Symbol.for('meshway.transport.mesh-client-tls');
