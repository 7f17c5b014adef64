import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Events, EventsError, EventsErrorCode, type EventHandler, type EventSubscription } from '../index.js';
import type { OnEventOptions } from './on-event.decorator.js';
import { ON_EVENT_METADATA } from './events.tokens.js';

/** One `@OnEvent` method found at bootstrap. */
interface FoundHandler {
  readonly options: OnEventOptions;
  readonly handler: EventHandler;
  /** `Class.method`, for messages. */
  readonly where: string;
}

/**
 * Finds `@OnEvent` methods on every static provider and controller once the app has booted, starts one durable
 * subscription per method, and drains them all before the app shuts down (handlers in flight finish and ack first).
 */
@Injectable()
export class EventSubscriptionsExplorer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running: EventSubscription[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly events: Events,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const found = this.find();
    checkDurablesAreUnique(found);
    try {
      for (const { options, handler } of found) this.running.push(await this.events.subscribe({ ...options, handler }));
    } catch (error) {
      await this.beforeApplicationShutdown();
      throw error;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.splice(0).map((subscription) => subscription.close()));
  }

  private find(): FoundHandler[] {
    const found: FoundHandler[] = [];
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance) || !wrapper.isDependencyTreeStatic()) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = Reflect.get(instance, name);
        if (typeof method !== 'function') continue;
        const options = this.reflector.get<OnEventOptions | undefined>(ON_EVENT_METADATA, method);
        if (!options) continue;
        const handler: EventHandler = (event) => (method as EventHandler).call(instance, event);
        found.push({ options, handler, where: `${instance.constructor.name}.${name}` });
      }
    }
    return found;
  }
}

/** Two methods on one durable would split its events between two different handlers: refused at boot. */
function checkDurablesAreUnique(found: readonly FoundHandler[]): void {
  const owners = new Map<string, string>();
  for (const { options, where } of found) {
    const key = `${options.stream}/${options.durable}`;
    const owner = owners.get(key);
    if (owner !== undefined) {
      throw new EventsError(
        EventsErrorCode.InvalidOptions,
        `@OnEvent durable ${options.durable} on stream ${options.stream} is on both ${owner} and ${where}; each handler needs its own durable`,
      );
    }
    owners.set(key, where);
  }
}
