import type { EventsOptions, StreamSpec } from '../index.js';

/**
 * Options of `EventsModule`: those of `createEvents` (without `nats`, events are off — one warning, no crash), plus the
 * streams to ensure before the app starts (created if missing, missing subjects added), so publishers and `@OnEvent`
 * subscriptions find them. The logger defaults to Nest's `Logger` (context `Events`).
 */
export interface EventsModuleOptions extends EventsOptions {
  readonly streams?: readonly StreamSpec[];
}
