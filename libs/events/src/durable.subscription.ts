import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureConsumer } from './consumer.ensure.js';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { DeliveryProcessor } from './delivery.processor.js';
import type { EventSubscription } from './events.js';
import type { EventsLogger } from './events.logger.js';
import { apiFailure } from './nats-error.mapper.js';
import { EventsErrorCode } from './events.errors.js';
import { MIN_NAK_DELAY_MS } from './redelivery.policy.js';
import type { ResolvedSubscribeOptions } from './subscribe.options.js';

/** Pause before reading again after the consumer's message stream ended on its own (consumer deleted, server gone). */
const REOPEN_DELAY_MS = 1_000;

export interface SubscriptionContext {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
  readonly clock: Clock;
  readonly logger: EventsLogger;
  readonly timeoutMs: number;
}

/**
 * A durable pull consumer read with `consume()`: one event at a time, in stream order. `close()` stops pulling, lets
 * the handler in flight finish and ack, and naks events already pulled but not started (redelivered at once, here or
 * on another instance).
 */
export class DurableSubscription<T> implements EventSubscription {
  private messages: ConsumerMessages | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly ctx: SubscriptionContext,
    private readonly options: ResolvedSubscribeOptions<T>,
    private readonly processor: DeliveryProcessor<T>,
  ) {}

  /** Ensures the consumer and starts reading; errors (no stream, conflicting durable, NATS gone) are thrown here. */
  static async start<T>(ctx: SubscriptionContext, options: ResolvedSubscribeOptions<T>): Promise<DurableSubscription<T>> {
    await ensureConsumer(ctx.jsm, options as ResolvedSubscribeOptions, ctx.logger);
    const deadLetters = new DeadLetterPublisher(ctx.nc, ctx.jsm, ctx.js, { subject: options.deadLetterSubject, durable: options.durable, timeoutMs: ctx.timeoutMs }, ctx.logger);
    const processor = new DeliveryProcessor(options, deadLetters, { clock: ctx.clock, logger: ctx.logger, ackTimeoutMs: ctx.timeoutMs });
    const subscription = new DurableSubscription(ctx, options, processor);
    const first = await subscription.open();
    subscription.loop = subscription.run(first);
    return subscription;
  }

  get stream(): string {
    return this.options.stream;
  }

  get durable(): string {
    return this.options.durable;
  }

  async close(): Promise<void> {
    if (!this.stopping()) {
      this.abort.abort(new Error('subscription closed'));
      await this.messages?.close();
    }
    await this.loop;
  }

  /** A method, not a field: it changes across awaits, which narrowing of a field would hide. */
  private stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async open(): Promise<ConsumerMessages> {
    const { stream, durable, batch } = this.options;
    try {
      const consumer = await this.ctx.js.consumers.get(stream, durable);
      const messages = await consumer.consume({ max_messages: batch });
      this.messages = messages;
      return messages;
    } catch (error) {
      throw apiFailure(`read consumer ${durable} on ${stream}`, error, EventsErrorCode.ConsumerConflict);
    }
  }

  private async run(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    const at = { stream: this.options.stream, durable: this.options.durable };
    while (!this.stopping()) {
      if (messages) await this.drain(messages);
      messages = undefined;
      if (this.stopping() || this.ctx.nc.isClosed()) return;
      this.ctx.logger.warn({ ...at, reopenInMs: REOPEN_DELAY_MS }, 'events: consumer stopped delivering; reading again shortly');
      try {
        await this.ctx.clock.sleep(REOPEN_DELAY_MS, this.abort.signal);
        messages = await this.open();
      } catch (error) {
        if (!this.stopping()) this.ctx.logger.warn({ ...at, err: errorMessage(error) }, 'events: cannot read the consumer yet');
      }
      if (this.stopping()) await messages?.close();
    }
  }

  /** Handles every message until the iterator ends; after `close()`, hands pulled-but-unstarted ones back. */
  private async drain(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) await this.one(msg);
    } catch (error) {
      if (!this.stopping()) this.ctx.logger.warn({ stream: this.options.stream, durable: this.options.durable, err: errorMessage(error) }, 'events: consumer read failed');
    }
  }

  private async one(msg: JsMsg): Promise<void> {
    try {
      if (this.stopping()) msg.nak(MIN_NAK_DELAY_MS);
      else await this.processor.process(msg);
    } catch (error) {
      // Only acking itself throws (the connection closed mid-event): the server redelivers the event after ackWait.
      this.ctx.logger.warn({ stream: this.options.stream, durable: this.options.durable, seq: msg.seq, err: errorMessage(error) }, 'events: event left unacked');
    }
  }
}
