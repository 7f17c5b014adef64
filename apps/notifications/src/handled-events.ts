import type { EventMessage } from '@meshway/events';

/** One event as the consumer handled it. */
export interface HandledEvent {
  /** The publisher's msgId, or `<stream>:<seq>` when it gave none: the same on every redelivery. */
  readonly key: string;
  readonly subject: string;
  readonly seq: number;
  /** How many times the handler ran for this event: 1, unless it was delivered again after being handled. */
  readonly count: number;
}

/**
 * What the consumer handled, keyed by event, so a person or a test can see each event was handled once. In memory, per
 * instance, the most recent `limit` events (a sample: a real service keeps what it must in its database).
 */
export class HandledEvents {
  private readonly byKey = new Map<string, HandledEvent>();

  constructor(private readonly limit = 10_000) {}

  /** Records one handling of `event`; returns how many times it has been handled, this one included. */
  record(event: EventMessage): number {
    const key = event.msgId ?? `${event.stream}:${String(event.seq)}`;
    const count = (this.byKey.get(key)?.count ?? 0) + 1;
    this.byKey.delete(key);
    this.byKey.set(key, { key, subject: event.subject, seq: event.seq, count });
    const oldest = this.byKey.keys().next();
    if (this.byKey.size > this.limit && oldest.done !== true) this.byKey.delete(oldest.value);
    return count;
  }

  /** Handled events, oldest first. */
  list(): HandledEvent[] {
    return [...this.byKey.values()];
  }
}
