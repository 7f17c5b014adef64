import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/events`. Callers switch on `code`, never on the message. */
export const EventsErrorCode = {
  /** An option given to `createEvents`, `ensureStream`, `publish` or `subscribe` is invalid; the message names it. */
  InvalidOptions: 'MESHWAY_EVENTS_INVALID_OPTIONS',
  /** NATS cannot be reached (connect failed) or the connection was closed. */
  NatsUnavailable: 'MESHWAY_EVENTS_NATS_UNAVAILABLE',
  /** The NATS server answers but has no JetStream (started without `-js`, or not enabled for this account). */
  JetStreamDisabled: 'MESHWAY_EVENTS_JETSTREAM_DISABLED',
  /** No stream captures the published subject, or the subscribed stream does not exist: call `ensureStream` first. */
  NoStream: 'MESHWAY_EVENTS_NO_STREAM',
  /** No publish ack within `timeoutMs`: the event may or may not be stored. Publish again with the same `msgId`. */
  PublishTimeout: 'MESHWAY_EVENTS_PUBLISH_TIMEOUT',
  /** The server refused the event (stream full, message too large, …). */
  PublishRejected: 'MESHWAY_EVENTS_PUBLISH_REJECTED',
  /** The payload cannot be sent as JSON (undefined, a BigInt, a cycle). */
  BadPayload: 'MESHWAY_EVENTS_BAD_PAYLOAD',
  /** `ensureStream` cannot make the stream match (its subjects overlap another stream's, a limit the server refuses). */
  StreamConflict: 'MESHWAY_EVENTS_STREAM_CONFLICT',
  /** The durable consumer exists with another subject filter: a durable's filter is not changed under its readers. */
  ConsumerConflict: 'MESHWAY_EVENTS_CONSUMER_CONFLICT',
  /** `publish`/`subscribe`/`ensureStream` after `close()`. */
  Closed: 'MESHWAY_EVENTS_CLOSED',
} as const;

export type EventsErrorCode = (typeof EventsErrorCode)[keyof typeof EventsErrorCode];

export class EventsError extends MeshwayError<EventsErrorCode> {
  override readonly name = 'EventsError';
}
