/** The service's resolved options (`ResolvedServiceOptions`). */
export const SERVICE_OPTIONS = Symbol('MESHWAY_SERVICE_OPTIONS');

/** This running instance's identity (`ServiceIdentity`): name, instance id, version, transport. */
export const SERVICE_IDENTITY = Symbol('MESHWAY_SERVICE_IDENTITY');

/** The transport this run serves (`TransportDecision`), decided once at boot from `MESHWAY_TRANSPORT`. */
export const SERVICE_TRANSPORT = Symbol('MESHWAY_SERVICE_TRANSPORT');
