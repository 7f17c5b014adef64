/** Injection tokens of `@meshway/resilience/nest`, all in one place. */

/** The clock deadlines are measured on (default: the system clock). */
export const RESILIENCE_CLOCK = Symbol.for('meshway.resilience.clock');
