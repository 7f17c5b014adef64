import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { EventsLogger } from './events.logger.js';
import { publishBytes } from './jetstream.publisher.js';
import { apiFailure, isApiError } from './nats-error.mapper.js';
import { headerValue } from './nats.headers.js';

/** Headers a dead letter carries on top of the event's own. */
export const DEAD_LETTER_HEADERS = {
  /** Why it was given up: the handler's last error, a payload that does not parse, deliveries used up. */
  reason: 'x-meshway-dead-letter-reason',
  /** Where the event was: its subject, stream and stream sequence. */
  subject: 'x-meshway-dead-letter-subject',
  stream: 'x-meshway-dead-letter-stream',
  seq: 'x-meshway-dead-letter-seq',
  /** The durable consumer that gave up, and after how many deliveries. */
  durable: 'x-meshway-dead-letter-durable',
  deliveries: 'x-meshway-dead-letter-deliveries',
  /** The publisher's `Nats-Msg-Id` (the dead letter gets its own, so one event per durable is stored once). */
  msgId: 'x-meshway-dead-letter-msg-id',
} as const;

const STREAM_NOT_FOUND = 10059;

/** JetStream's own headers (`Nats-Msg-Id`, `Nats-Expected-…`) would act again on the dead-letter publish: not copied. */
function isJetStreamHeader(name: string): boolean {
  return name.toLowerCase().startsWith('nats-');
}

function deadLetterHeaders(msg: JsMsg, durable: string, reason: string): MsgHdrs {
  const hdrs = natsHeaders();
  const original = msg.headers;
  if (original) {
    for (const name of original.keys()) {
      if (isJetStreamHeader(name)) continue;
      for (const value of original.values(name)) hdrs.append(name, value);
    }
  }
  hdrs.set(DEAD_LETTER_HEADERS.reason, headerValue(reason));
  hdrs.set(DEAD_LETTER_HEADERS.subject, msg.subject);
  hdrs.set(DEAD_LETTER_HEADERS.stream, msg.info.stream);
  hdrs.set(DEAD_LETTER_HEADERS.seq, String(msg.seq));
  hdrs.set(DEAD_LETTER_HEADERS.durable, durable);
  hdrs.set(DEAD_LETTER_HEADERS.deliveries, String(msg.info.deliveryCount));
  const msgId = original?.get('Nats-Msg-Id');
  if (msgId) hdrs.set(DEAD_LETTER_HEADERS.msgId, msgId);
  return hdrs;
}

/**
 * Sends given-up events to the dead-letter subject: through JetStream when a stream captures it (stored, acked, and
 * de-duplicated per stream/durable/seq, so a retried dead-lettering stores it once), else on core NATS with one warning
 * (only live subscribers see it then). Which one is asked each time (dead letters are rare): a stream made later counts.
 * Asked, not tried: a JetStream publish to a subject with only core subscribers would wait for an ack that never comes.
 */
export class DeadLetterPublisher {
  private warnedCore = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly target: { readonly subject: string; readonly durable: string; readonly timeoutMs: number },
    private readonly logger: EventsLogger,
  ) {}

  get subject(): string {
    return this.target.subject;
  }

  async send(msg: JsMsg, reason: string): Promise<void> {
    const { subject, durable, timeoutMs } = this.target;
    const headers = deadLetterHeaders(msg, durable, reason);
    const msgId = `dead-letter:${msg.info.stream}:${durable}:${msg.seq}`;
    if (await this.captured()) {
      await publishBytes(this.js, subject, msg.data, { msgId, headers, timeoutMs });
      return;
    }
    this.warnCoreOnce();
    this.nc.publish(subject, msg.data, { headers });
    await this.nc.flush();
  }

  private async captured(): Promise<boolean> {
    try {
      await this.jsm.streams.find(this.target.subject);
      return true;
    } catch (error) {
      if (isApiError(error, STREAM_NOT_FOUND)) return false;
      throw apiFailure(`find the stream of ${this.target.subject}`, error);
    }
  }

  private warnCoreOnce(): void {
    if (this.warnedCore) return;
    this.warnedCore = true;
    this.logger.warn(
      { deadLetterSubject: this.target.subject },
      `events: no stream captures dead-letter subject ${this.target.subject}; dead letters go out on core NATS and only live subscribers see them`,
    );
  }
}
