import type { Clock, TimerHandle } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import type { JsMsg } from '@nats-io/jetstream';
import type { DeadLetterPublisher } from './dead-letter.publisher.js';
import type { EventMessage } from './events.js';
import type { EventsLogger } from './events.logger.js';
import { fromNatsHeaders } from './nats.headers.js';
import { afterFailure, deliveriesExhausted, MIN_NAK_DELAY_MS } from './redelivery.policy.js';
import { SeenGuard } from './seen.guard.js';
import type { ResolvedSubscribeOptions } from './subscribe.options.js';

const decoder = new TextDecoder();

/**
 * One delivery, start to end: skip what this process already handled, give up what used its deliveries, decode, run
 * the handler (telling the server it is still working, so a slow handler is not redelivered under itself), then ack —
 * or nak with the backoff, or dead-letter and term.
 */
export class DeliveryProcessor<T> {
  private readonly seen: SeenGuard;
  private readonly where: Record<string, unknown>;

  constructor(
    private readonly options: ResolvedSubscribeOptions<T>,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly deps: { readonly clock: Clock; readonly logger: EventsLogger; readonly ackTimeoutMs: number },
  ) {
    this.seen = new SeenGuard(options.seenCapacity);
    this.where = { stream: options.stream, durable: options.durable };
  }

  async process(msg: JsMsg): Promise<void> {
    const { seq } = msg;
    const count = msg.info.deliveryCount;
    if (this.seen.has(seq)) {
      this.deps.logger.debug({ ...this.where, seq, deliveryCount: count }, 'events: redelivery of a handled event acked without handling');
      await this.ack(msg);
      return;
    }
    if (deliveriesExhausted(this.options, count)) {
      await this.deadLetter(msg, `not acknowledged after ${this.options.maxDeliver} deliveries (handler crashed, hung past ackWait, or its ack was lost)`);
      return;
    }
    let event: EventMessage<T>;
    try {
      event = this.decode(msg);
    } catch (error) {
      await this.deadLetter(msg, `payload rejected: ${errorMessage(error)}`);
      return;
    }
    try {
      await this.handle(msg, event);
    } catch (error) {
      await this.failed(msg, error);
      return;
    }
    this.seen.add(seq);
    await this.ack(msg);
  }

  private decode(msg: JsMsg): EventMessage<T> {
    const raw: unknown = JSON.parse(decoder.decode(msg.data));
    const data = this.options.parse ? this.options.parse(raw) : (raw as T);
    const headers = fromNatsHeaders(msg.headers);
    return {
      data,
      subject: msg.subject,
      stream: msg.info.stream,
      seq: msg.seq,
      msgId: headers['Nats-Msg-Id'],
      deliveryCount: msg.info.deliveryCount,
      headers,
    };
  }

  /** Runs the handler, sending "working" every half ackWait so the server does not redeliver while it runs. */
  private async handle(msg: JsMsg, event: EventMessage<T>): Promise<void> {
    const { clock } = this.deps;
    const everyMs = Math.max(1, Math.floor(this.options.ackWaitMs / 2));
    let timer: TimerHandle;
    const beat = (): void => {
      msg.working();
      timer = clock.setTimeout(beat, everyMs);
    };
    timer = clock.setTimeout(beat, everyMs);
    try {
      await this.options.handler(event);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  private async failed(msg: JsMsg, error: unknown): Promise<void> {
    const count = msg.info.deliveryCount;
    const next = afterFailure(this.options, count);
    if (next.deadLetter) {
      await this.deadLetter(msg, `handler failed on delivery ${count} of ${this.options.maxDeliver}: ${errorMessage(error)}`);
      return;
    }
    this.deps.logger.warn(
      { ...this.where, subject: msg.subject, seq: msg.seq, deliveryCount: count, retryInMs: next.delayMs, err: errorMessage(error) },
      `events: handler failed on delivery ${count} of ${this.options.maxDeliver}; redelivery in ${next.delayMs} ms`,
    );
    msg.nak(next.delayMs);
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const at = { ...this.where, subject: msg.subject, seq: msg.seq, deliveryCount: msg.info.deliveryCount, deadLetterSubject: this.deadLetters.subject };
    try {
      await this.deadLetters.send(msg, reason);
    } catch (error) {
      // Not given up yet: the next delivery (count > maxDeliver) tries the dead-lettering again.
      const retryInMs = Math.max(MIN_NAK_DELAY_MS, this.options.backoffMs.at(-1) ?? 0);
      this.deps.logger.error({ ...at, reason, err: errorMessage(error), retryInMs }, 'events: could not dead-letter an event; it will be retried');
      msg.nak(retryInMs);
      return;
    }
    msg.term();
    this.deps.logger.error({ ...at, reason }, `events: event dead-lettered to ${this.deadLetters.subject}: ${reason}`);
  }

  /** Double ack (the server confirms), so a lost ack is seen; the event may then come back, and the seen guard acks it. */
  private async ack(msg: JsMsg): Promise<void> {
    try {
      await msg.ackAck({ timeout: this.deps.ackTimeoutMs });
    } catch (error) {
      this.deps.logger.warn({ ...this.where, seq: msg.seq, err: errorMessage(error) }, 'events: ack not confirmed; the event may be redelivered');
    }
  }
}
