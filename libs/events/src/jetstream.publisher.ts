import { errorMessage } from '@meshway/errors';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { EventsError, EventsErrorCode } from './events.errors.js';
import type { PublishOptions, PublishResult } from './events.js';
import { invalidOption, positiveInteger } from './events.options.js';
import { publishFailure } from './nats-error.mapper.js';
import { toNatsHeaders } from './nats.headers.js';
import { isValidSubject } from './subject.match.js';

const encoder = new TextEncoder();

/** JSON.stringify's type says string, but undefined, functions and symbols give undefined. */
function stringify(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** The payload as JSON bytes; what JSON cannot carry is refused here rather than stored as something else. */
export function encodeJson(payload: unknown, subject: string): Uint8Array {
  let text: string | undefined;
  try {
    text = stringify(payload);
  } catch (error) {
    throw new EventsError(EventsErrorCode.BadPayload, `The payload for ${subject} is not JSON-serialisable: ${errorMessage(error)}`, { cause: error });
  }
  if (text === undefined) throw new EventsError(EventsErrorCode.BadPayload, `The payload for ${subject} is ${typeof payload}: JSON cannot carry it`);
  return encoder.encode(text);
}

/** Raw bytes and headers to a stream, with the error mapping every publish shares. */
export async function publishBytes(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  options: { msgId: string | undefined; headers: MsgHdrs | undefined; timeoutMs: number; connected?: () => boolean },
): Promise<PublishResult & { published: true }> {
  try {
    const ack = await js.publish(subject, data, {
      timeout: options.timeoutMs,
      ...(options.msgId === undefined ? {} : { msgID: options.msgId }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    });
    return { published: true, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
  } catch (error) {
    throw publishFailure(error, subject, options.timeoutMs, options.connected?.() ?? true);
  }
}

/** JSON events to JetStream, `msgId` as `Nats-Msg-Id` so the stream de-duplicates within its window. */
export async function publishJson(
  js: JetStreamClient,
  subject: string,
  payload: unknown,
  options: PublishOptions,
  context: { readonly defaultTimeoutMs: number; readonly connected: () => boolean },
): Promise<PublishResult> {
  if (!isValidSubject(subject, { wildcards: false })) throw invalidOption('publish', 'subject', subject, 'a NATS subject without wildcards');
  const { msgId } = options;
  if (msgId !== undefined && (typeof msgId !== 'string' || msgId === '' || /[\r\n]/.test(msgId))) {
    throw invalidOption('publish option', 'msgId', msgId, 'a non-empty one-line string');
  }
  const timeoutMs = positiveInteger('publish option', 'timeoutMs', options.timeoutMs ?? context.defaultTimeoutMs);
  const data = encodeJson(payload, subject);
  return publishBytes(js, subject, data, { msgId, headers: toNatsHeaders(options.headers), timeoutMs, connected: context.connected });
}
