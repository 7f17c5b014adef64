import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import { EventsError, EventsErrorCode } from './events.errors.js';
import type { EventsLogger } from './events.logger.js';
import { invalidOption } from './events.options.js';
import { apiFailure, isApiError } from './nats-error.mapper.js';
import { subjectsOf } from './stream.ensure.js';
import { subjectMatches } from './subject.match.js';
import type { ResolvedSubscribeOptions } from './subscribe.options.js';

const NS_PER_MS = 1_000_000;
const CONSUMER_NOT_FOUND = 10014;
const STREAM_NOT_FOUND = 10059;

function noStream(stream: string, error: unknown): EventsError {
  const message = `Stream ${stream} does not exist: ensureStream({ name: '${stream}', subjects: [...] }) first`;
  return new EventsError(EventsErrorCode.NoStream, message, { cause: error });
}

/** The stream's subjects; a missing stream is MESHWAY_EVENTS_NO_STREAM. */
async function streamSubjects(jsm: JetStreamManager, stream: string): Promise<readonly string[]> {
  try {
    return subjectsOf((await jsm.streams.info(stream)).config);
  } catch (error) {
    throw isApiError(error, STREAM_NOT_FOUND) ? noStream(stream, error) : apiFailure(`read stream ${stream}`, error);
  }
}

async function liveConsumer(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (isApiError(error, CONSUMER_NOT_FOUND)) return undefined;
    throw isApiError(error, STREAM_NOT_FOUND) ? noStream(stream, error) : apiFailure(`read consumer ${durable} on ${stream}`, error);
  }
}

/**
 * The consumer's config. `max_deliver` is unlimited on the server on purpose: the client counts deliveries and
 * dead-letters at `maxDeliver`, so an event whose deliveries are used up is never left stuck unacked on the server.
 */
function wanted(o: ResolvedSubscribeOptions): Partial<ConsumerConfig> {
  return {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: o.ackWaitMs * NS_PER_MS,
    max_deliver: -1,
    deliver_policy: o.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    ...(o.subject === undefined ? {} : { filter_subject: o.subject }),
  };
}

function conflict(o: ResolvedSubscribeOptions, what: string): EventsError {
  return new EventsError(
    EventsErrorCode.ConsumerConflict,
    `Durable ${o.durable} on stream ${o.stream} already exists ${what}; use another durable name, or delete the old one by hand`,
  );
}

/** Creates the durable pull consumer, or checks and updates a live one (ackWait; the filter must match). Safe to race. */
export async function ensureConsumer(jsm: JetStreamManager, o: ResolvedSubscribeOptions, logger: EventsLogger): Promise<void> {
  const subjects = await streamSubjects(jsm, o.stream);
  const captured = subjects.some((s) => subjectMatches(s, o.deadLetterSubject));
  const readsDeadLetters = captured && (o.subject === undefined || subjectMatches(o.subject, o.deadLetterSubject));
  if (readsDeadLetters) {
    throw invalidOption('subscribe option', 'deadLetterSubject', o.deadLetterSubject, `a subject this consumer does not read (stream ${o.stream} captures it)`);
  }
  const config = wanted(o);
  const live = await liveConsumer(jsm, o.stream, o.durable);
  if (!live) {
    try {
      await jsm.consumers.add(o.stream, config);
    } catch (error) {
      if (isApiError(error, STREAM_NOT_FOUND)) throw noStream(o.stream, error);
      throw apiFailure(`create consumer ${o.durable} on ${o.stream}`, error, EventsErrorCode.ConsumerConflict);
    }
    logger.info({ stream: o.stream, durable: o.durable, subject: o.subject }, `events: durable consumer ${o.durable} created on ${o.stream}`);
    return;
  }
  const current = live.config;
  if (current.deliver_subject) throw conflict(o, 'as a push consumer');
  if ((current.filter_subject || undefined) !== o.subject) throw conflict(o, `with subject filter ${current.filter_subject ?? '(none)'}`);
  if (current.ack_policy !== AckPolicy.Explicit) throw conflict(o, `with ack policy ${current.ack_policy}`);
  if (current.ack_wait === config.ack_wait && current.max_deliver === -1) return;
  try {
    await jsm.consumers.update(o.stream, o.durable, { ack_wait: config.ack_wait, max_deliver: -1 });
  } catch (error) {
    throw apiFailure(`update consumer ${o.durable} on ${o.stream}`, error, EventsErrorCode.ConsumerConflict);
  }
  logger.info({ stream: o.stream, durable: o.durable, ackWaitMs: o.ackWaitMs }, `events: durable consumer ${o.durable} updated`);
}
