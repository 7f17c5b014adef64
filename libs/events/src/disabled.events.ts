import { Events, type EnsureStreamResult, type EventSubscription, type PublishResult } from './events.js';
import type { EventsLogger } from './events.logger.js';
import { resolveStreamSpec, type StreamSpec } from './stream.options.js';
import { resolveSubscribeOptions, type SubscribeOptions } from './subscribe.options.js';

/** `fn()` as a promise: a bad option rejects, as it does on JetStream, instead of throwing synchronously. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(fn());
  });
}

/**
 * Events off (no NATS, e.g. `MESHWAY_TRANSPORT=http`, or no JetStream with `jetStream: 'optional'`): said once, in one
 * warning, when made; afterwards publishes resolve `{ published: false }` with a debug line each, subscriptions
 * receive nothing. Options are still checked, so a bad one fails in HTTP mode too.
 */
export class DisabledEvents extends Events {
  readonly enabled = false;

  constructor(
    private readonly reason: string,
    private readonly logger: EventsLogger,
  ) {
    super();
    logger.warn({ reason }, `events are off: ${reason}; events are not published and subscriptions receive nothing`);
  }

  publish(subject: string): Promise<PublishResult> {
    this.logger.debug({ subject }, `events: ${subject} not published (events are off)`);
    return Promise.resolve({ published: false, reason: this.reason });
  }

  ensureStream(spec: StreamSpec): Promise<EnsureStreamResult> {
    return settle(() => ({ name: resolveStreamSpec(spec).name, action: 'skipped', subjects: [] }));
  }

  subscribe<T>(options: SubscribeOptions<T>): Promise<EventSubscription> {
    return settle(() => {
      const { stream, durable } = resolveSubscribeOptions(options);
      this.logger.debug({ stream, durable }, `events: durable ${durable} on ${stream} not started (events are off)`);
      return { stream, durable, close: () => Promise.resolve() };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
