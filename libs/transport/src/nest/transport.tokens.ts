/** Injection tokens of `@meshway/transport/nest`, all in one place. (MeshClient itself is injected by its class.) */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const TRANSPORT_MODULE_OPTIONS = Symbol.for('meshway.transport.module-options');
