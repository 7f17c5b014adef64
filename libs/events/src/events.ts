import type { StreamSpec } from './stream.options.js';
import type { SubscribeOptions } from './subscribe.options.js';

/** Options of one {@link EventPublisher.publish}. */
export interface PublishOptions {
  /**
   * This event's unique id (e.g. `order-created:<uuid>`), sent as `Nats-Msg-Id`: the stream stores one event per id
   * within its duplicate window, so a publish retried after a timeout is stored once. Must differ between distinct events.
   */
  readonly msgId?: string;
  /** Extra NATS headers, e.g. the mesh headers `x-request-id` and `traceparent`; undefined values are skipped. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** How long to wait for the stream's ack, in ms (default the events' `timeoutMs`). */
  readonly timeoutMs?: number;
}

/** What a publish did: stored (or recognised as a duplicate of a stored event), or nothing because events are off. */
export type PublishResult =
  | { readonly published: true; readonly stream: string; readonly seq: number; readonly duplicate: boolean }
  | { readonly published: false; readonly reason: string };

/** One event as a handler sees it. */
export interface EventMessage<T = unknown> {
  /** The JSON payload (after `parse`, when the subscription has one). */
  readonly data: T;
  readonly subject: string;
  readonly stream: string;
  /** Stream sequence: unique per stream, the same on every redelivery. */
  readonly seq: number;
  /** The publisher's `msgId`, when it gave one. */
  readonly msgId: string | undefined;
  /** 1 on the first delivery, 2 on the first redelivery, … */
  readonly deliveryCount: number;
  /** Every NATS header of the event (first value of each), `x-request-id` and `traceparent` included when sent. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Handles one event; resolving acks it, throwing (or rejecting) asks for a redelivery. */
export type EventHandler<T = unknown> = (event: EventMessage<T>) => void | Promise<void>;

/** A running durable subscription. */
export interface EventSubscription {
  readonly stream: string;
  readonly durable: string;
  /** Stops pulling, lets the handler in flight finish (and ack), hands buffered events back (nak); resolves when done. */
  close(): Promise<void>;
}

/** What `ensureStream` did. `skipped`: events are off. */
export interface EnsureStreamResult {
  readonly name: string;
  readonly action: 'created' | 'updated' | 'unchanged' | 'skipped';
  /** The stream's subjects afterwards. */
  readonly subjects: readonly string[];
}

/** Publishes events. An abstract class (not an interface) so Nest can inject it by class. */
export abstract class EventPublisher {
  /** Publishes `payload` as JSON on `subject`; resolves with the stream's ack. Throws `EventsError` (`MESHWAY_EVENTS_*`). */
  abstract publish(subject: string, payload: unknown, options?: PublishOptions): Promise<PublishResult>;
}

/** Durable events on JetStream, or the disabled stand-in when there is no NATS. Made by `createEvents`. */
export abstract class Events extends EventPublisher {
  /** False when events are off (no NATS, or JetStream missing with `jetStream: 'optional'`). */
  abstract readonly enabled: boolean;
  /** Creates the stream if missing, adds missing subjects, applies limits that were given; safe to race. */
  abstract ensureStream(spec: StreamSpec): Promise<EnsureStreamResult>;
  /** Starts a durable pull consumer (created or updated first) and hands each event to `options.handler`. */
  abstract subscribe<T = unknown>(options: SubscribeOptions<T>): Promise<EventSubscription>;
  /** Drains every subscription, then closes the NATS connection when events opened it. Idempotent. */
  abstract close(): Promise<void>;
}
