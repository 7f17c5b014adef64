import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureConsumer } from './consumer.ensure.js';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { DeliveryProcessor } from './delivery.processor.js';
import type { EventSubscription } from './events.js';
import type { EventsLogger } from './events.logger.js';
import { EventsErrorCode } from './events.errors.js';
import { apiFailure } from './nats-error.mapper.js';
import { MIN_NAK_DELAY_MS } from './redelivery.policy.js';
import type { ResolvedSubscribeOptions } from './subscribe.options.js';

/** Pauses before reading again after the consumer's messages ended on their own (consumer or stream deleted): doubling. */
const REOPEN_FIRST_MS = 1_000;
const REOPEN_MAX_MS = 30_000;

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
    const { nc, jsm, js, clock, logger, timeoutMs } = ctx;
    const target = { subject: options.deadLetterSubject, durable: options.durable, timeoutMs };
    const processor = new DeliveryProcessor(options, new DeadLetterPublisher(nc, jsm, js, target, logger), { clock, logger, ackTimeoutMs: timeoutMs });
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

  /** (Re)creates the consumer if needed, then pulls from it. */
  private async open(): Promise<ConsumerMessages> {
    const { stream, durable, batch } = this.options;
    await ensureConsumer(this.ctx.jsm, this.options as ResolvedSubscribeOptions, this.ctx.logger);
    try {
      const consumer = await this.ctx.js.consumers.get(stream, durable);
      // A deleted consumer ends the iterator (rather than being retried forever), so the loop recreates it.
      const messages = await consumer.consume({ max_messages: batch, abort_on_missing_resource: true });
      this.messages = messages;
      return messages;
    } catch (error) {
      throw apiFailure(`read consumer ${durable} on ${stream}`, error, EventsErrorCode.ConsumerConflict);
    }
  }

  private async run(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    let pauseMs = REOPEN_FIRST_MS;
    while (!this.stopping()) {
      if (messages) {
        await this.readAll(messages);
        pauseMs = REOPEN_FIRST_MS;
      }
      if (this.stopping()) return;
      if (this.ctx.nc.isClosed()) {
        this.ctx.logger.warn(this.at(), 'events: the NATS connection closed; this subscription has stopped');
        return;
      }
      this.ctx.logger.warn({ ...this.at(), reopenInMs: pauseMs }, 'events: the consumer stopped delivering; reading it again shortly');
      messages = await this.reopenAfter(pauseMs);
      pauseMs = Math.min(REOPEN_MAX_MS, pauseMs * 2);
    }
  }

  private async reopenAfter(pauseMs: number): Promise<ConsumerMessages | undefined> {
    try {
      await this.ctx.clock.sleep(pauseMs, this.abort.signal);
      const messages = await this.open();
      if (!this.stopping()) return messages;
      await messages.close();
    } catch (error) {
      if (!this.stopping()) this.ctx.logger.warn({ ...this.at(), err: errorMessage(error) }, 'events: cannot read the consumer yet');
    }
    return undefined;
  }

  /** Handles every message until the iterator ends; after `close()`, hands pulled-but-unstarted ones back. */
  private async readAll(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) await this.one(msg);
    } catch (error) {
      if (!this.stopping()) this.ctx.logger.warn({ ...this.at(), err: errorMessage(error) }, 'events: consumer read failed');
    }
  }

  private async one(msg: JsMsg): Promise<void> {
    try {
      if (this.stopping()) msg.nak(MIN_NAK_DELAY_MS);
      else await this.processor.process(msg);
    } catch (error) {
      // Only answering the server throws (the connection closed mid-event): it redelivers the event after ackWait.
      this.ctx.logger.warn({ ...this.at(), seq: msg.seq, err: errorMessage(error) }, 'events: event left unacked');
    }
  }

  private at(): Record<string, unknown> {
    return { stream: this.options.stream, durable: this.options.durable };
  }
}
