import { ConfigurableModuleBuilder, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { createEvents, EventPublisher, Events } from '../index.js';
import { EventSubscriptionsExplorer } from './event-subscriptions.explorer.js';
import type { EventsModuleOptions } from './events-module.options.js';
import { nestEventsLogger } from './events.logger.adapter.js';
import { EVENTS_MODULE_OPTIONS } from './events.tokens.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<EventsModuleOptions>({
  optionsInjectionToken: EVENTS_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Connects, checks JetStream and ensures the configured streams before anything is injected with them. */
async function eventsFromOptions(options: EventsModuleOptions): Promise<Events> {
  const { streams = [], ...rest } = options;
  const events = await createEvents({ logger: nestEventsLogger(), ...rest });
  try {
    for (const spec of streams) await events.ensureStream(spec);
  } catch (error) {
    await events.close();
    throw error;
  }
  return events;
}

/**
 * Provides `Events` and `EventPublisher` (inject them by class) and runs the `@OnEvent` methods of the app's providers:
 * subscriptions start on `onApplicationBootstrap` and are drained on `beforeApplicationShutdown`; the NATS connection
 * closes on `onApplicationShutdown`. Without `nats` (a service on HTTP) events are off: one warning, publishes resolve
 * `{ published: false }`, no subscription starts.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: Events, useFactory: eventsFromOptions, inject: [EVENTS_MODULE_OPTIONS] },
    { provide: EventPublisher, useExisting: Events },
    EventSubscriptionsExplorer,
  ],
  exports: [Events, EventPublisher],
})
export class EventsModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(Events) private readonly events: Events) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events.close();
  }
}
