export { EventsModule } from './events.module.js';
export { type EventsModuleOptions } from './events-module.options.js';
export { OnEvent, type OnEventOptions } from './on-event.decorator.js';
export { EVENTS_MODULE_OPTIONS, ON_EVENT_METADATA } from './events.tokens.js';
export { nestEventsLogger } from './events.logger.adapter.js';
