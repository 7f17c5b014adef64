export { createEvents } from './create-events.js';
export {
  Events,
  EventPublisher,
  type PublishOptions,
  type PublishResult,
  type EventMessage,
  type EventHandler,
  type EventSubscription,
  type EnsureStreamResult,
} from './events.js';
export { type EventsOptions, type NatsSource, type JetStreamRequirement, EVENTS_DEFAULTS } from './events.options.js';
export { type StreamSpec } from './stream.options.js';
export { type SubscribeOptions, resolveSubscribeOptions } from './subscribe.options.js';
export { type EventsLogger } from './events.logger.js';
export { DEAD_LETTER_HEADERS } from './dead-letter.publisher.js';
export { EventsError, EventsErrorCode } from './events.errors.js';
