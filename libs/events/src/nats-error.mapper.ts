import { errorMessage } from '@meshway/errors';
import { JetStreamApiError } from '@nats-io/jetstream';
import { EventsError, EventsErrorCode } from './events.errors.js';

/** nats.js error names (its classes are not all exported; the names are set in their constructors). */
const CONNECTION_GONE = new Set(['ClosedConnectionError', 'DrainingConnectionError', 'ConnectionError']);

/** JetStream API code: a stream's subjects overlap another stream's. */
const SUBJECTS_OVERLAP = 10065;

/** True for nats.js's `JetStreamNotEnabled`: no one answered on `$JS.API…` or on a publish subject. */
export function isNoResponders(error: unknown): boolean {
  return error instanceof Error && error.name === 'JetStreamNotEnabled';
}

export function isApiError(error: unknown, code?: number): error is JetStreamApiError {
  return error instanceof JetStreamApiError && (code === undefined || error.code === code);
}

/**
 * The `EventsError` for a failed JetStream publish on `subject`. Publishes only happen after JetStream was seen, so no
 * responder means no stream. `connected` is false when the connection was down (nats.js keeps publishes made while it
 * reconnects and sends them once back, so such an event may still be stored).
 */
export function publishFailure(error: unknown, subject: string, timeoutMs: number, connected = true): EventsError {
  const cause = { cause: error };
  if (error instanceof EventsError) return error;
  if (!connected && error instanceof Error && error.name === 'TimeoutError') {
    return new EventsError(
      EventsErrorCode.NatsUnavailable,
      `NATS is disconnected (publish on ${subject}): the event may be stored when it reconnects; publish again with the same msgId`,
      cause,
    );
  }
  if (isNoResponders(error)) {
    return new EventsError(EventsErrorCode.NoStream, `No stream captures subject ${subject}: ensureStream({ name, subjects: [...] }) must cover it`, cause);
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new EventsError(
      EventsErrorCode.PublishTimeout,
      `No ack for ${subject} within ${timeoutMs} ms: it may or may not be stored; publish again with the same msgId`,
      cause,
    );
  }
  if (error instanceof Error && CONNECTION_GONE.has(error.name)) return natsUnavailable(`publish on ${subject}`, error);
  return new EventsError(EventsErrorCode.PublishRejected, `The stream refused the event on ${subject}: ${errorMessage(error)}`, cause);
}

/** The connection is closed, draining or broken. */
export function natsUnavailable(doing: string, error: unknown): EventsError {
  return new EventsError(EventsErrorCode.NatsUnavailable, `NATS is unavailable (${doing}): ${errorMessage(error)}`, { cause: error });
}

/** A JetStream API call failed: the connection went, JetStream went, no answer came, or the server refused the request. */
export function apiFailure(doing: string, error: unknown, refused: EventsErrorCode = EventsErrorCode.StreamConflict): EventsError {
  if (error instanceof EventsError) return error;
  if (error instanceof Error && (CONNECTION_GONE.has(error.name) || error.name === 'TimeoutError')) return natsUnavailable(doing, error);
  if (isNoResponders(error)) return jetStreamDisabled(doing, error);
  if (isApiError(error, SUBJECTS_OVERLAP)) {
    return new EventsError(EventsErrorCode.StreamConflict, `Cannot ${doing}: its subjects overlap another stream's (${errorMessage(error)})`, { cause: error });
  }
  return new EventsError(refused, `Cannot ${doing}: ${errorMessage(error)}`, { cause: error });
}

/** The server answers but JetStream does not; `detail` says where or while doing what. */
export function jetStreamDisabled(detail: string, error?: unknown): EventsError {
  return new EventsError(
    EventsErrorCode.JetStreamDisabled,
    `NATS has no JetStream (${detail}): start the server with -js (nats-server -js), or enable JetStream for this account`,
    error === undefined ? undefined : { cause: error },
  );
}
