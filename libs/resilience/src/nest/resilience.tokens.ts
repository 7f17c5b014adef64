/** Injection tokens of `@meshway/resilience/nest`, all in one place. */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const RESILIENCE_MODULE_OPTIONS = Symbol.for('meshway.resilience.module-options');
