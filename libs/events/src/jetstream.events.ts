import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConnectionWatch } from './connection.watch.js';
import { DurableSubscription } from './durable.subscription.js';
import { EventsError, EventsErrorCode } from './events.errors.js';
import { Events, type EnsureStreamResult, type EventSubscription, type PublishOptions, type PublishResult } from './events.js';
import type { ResolvedEventsOptions } from './events.options.js';
import { publishJson } from './jetstream.publisher.js';
import { ensureStream } from './stream.ensure.js';
import { resolveStreamSpec, type StreamSpec } from './stream.options.js';
import { resolveSubscribeOptions, type SubscribeOptions } from './subscribe.options.js';

/** Events on JetStream. Holds the connection (closed by `close()` when events opened it) and the subscriptions. */
export class JetStreamEvents extends Events {
  readonly enabled = true;
  private readonly subscriptions = new Set<EventSubscription>();
  private closing: Promise<void> | undefined;
  private readonly watch: ConnectionWatch;

  constructor(
    private readonly nc: NatsConnection,
    private readonly ownsConnection: boolean,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly options: ResolvedEventsOptions,
  ) {
    super();
    this.watch = new ConnectionWatch(nc);
  }

  async publish(subject: string, payload: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    this.assertOpen('publish');
    return publishJson(this.js, subject, payload, options, { defaultTimeoutMs: this.options.timeoutMs, connected: () => this.watch.connected });
  }

  async ensureStream(spec: StreamSpec): Promise<EnsureStreamResult> {
    this.assertOpen('ensureStream');
    return ensureStream(this.jsm, resolveStreamSpec(spec), this.options);
  }

  async subscribe<T>(options: SubscribeOptions<T>): Promise<EventSubscription> {
    this.assertOpen('subscribe');
    const resolved = resolveSubscribeOptions(options);
    const { nc, jsm, js } = this;
    const { clock, logger, timeoutMs } = this.options;
    const running = await DurableSubscription.start({ nc, jsm, js, clock, logger, timeoutMs }, resolved);
    const subscription: EventSubscription = {
      stream: running.stream,
      durable: running.durable,
      close: async () => {
        this.subscriptions.delete(subscription);
        await running.close();
      },
    };
    this.subscriptions.add(subscription);
    if (this.closing) await subscription.close();
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    // drain() flushes what was published, then closes; a connection the caller owns stays open.
    if (!this.ownsConnection || this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }

  private assertOpen(doing: string): void {
    if (this.closing) throw new EventsError(EventsErrorCode.Closed, `Cannot ${doing}: events were closed`);
  }
}
