import { SetMetadata } from '@nestjs/common';
import { resolveSubscribeOptions, type SubscribeOptions } from '../index.js';
import { ON_EVENT_METADATA } from './events.tokens.js';

/** `@OnEvent` options: those of `Events.subscribe`, the decorated method being the handler. */
export type OnEventOptions<T = unknown> = Omit<SubscribeOptions<T>, 'handler'>;

/**
 * Makes a provider (or controller) method the handler of a durable subscription, started when the app has booted and
 * drained before it shuts down: `@OnEvent({ stream: 'ORDERS', durable: 'notifications', subject: 'orders.created' })`.
 * The method gets an `EventMessage`; resolving acks, throwing asks for a redelivery. Options are checked when the class
 * is defined, so a bad one fails at boot (MESHWAY_EVENTS_INVALID_OPTIONS).
 */
export function OnEvent<T = unknown>(options: OnEventOptions<T>): MethodDecorator {
  resolveSubscribeOptions<T>({ ...options, handler: () => undefined });
  return SetMetadata(ON_EVENT_METADATA, options);
}
