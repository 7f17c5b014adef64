/** Injection tokens of the gateway's admin module, all in one place. (The Gateway itself is injected by its class.) */

/** `GATEWAY_ADMIN_TOKEN`, or undefined when none is set. */
export const ADMIN_TOKEN = Symbol.for('meshway.gateway.admin-token');
