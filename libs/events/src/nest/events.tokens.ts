/** Injection tokens and metadata keys of `@meshway/events/nest`, all in one place. (`Events` and `EventPublisher` are injected by class.) */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const EVENTS_MODULE_OPTIONS = Symbol.for('meshway.events.module-options');

/** Where `@OnEvent` keeps its subscription options on a method. */
export const ON_EVENT_METADATA = 'meshway:events:on-event';
