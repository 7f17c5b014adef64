import type { OrderCreated } from '@meshway/contracts';
import type { EventMessage } from '@meshway/events';

/** One order this instance notified about. */
export interface SentNotification {
  /** The event's msgId (`order-created:<orders instance>:<order id>`), or `<stream>:<seq>` without one. */
  readonly key: string;
  readonly orderId: string;
  readonly userId: string;
  /** Stream sequence of the event. */
  readonly seq: number;
  /** How many times the handler ran for this event: 1, unless it was delivered again after being handled. */
  readonly count: number;
}

/** What `GET /api/notifications` answers. */
export interface NotificationReport {
  readonly notifications: readonly SentNotification[];
  /** Events handled (distinct keys). */
  readonly handled: number;
  /** Handler runs beyond the first, over all events: 0 when each event was handled exactly once. */
  readonly duplicates: number;
}

/**
 * What the consumer handled, keyed by event, so a person or a test can see each order was notified once. In memory, per
 * instance, the most recent `limit` events (a sample: a real service keeps what it sent in its database).
 */
export class NotificationLog {
  private readonly byKey = new Map<string, SentNotification>();

  constructor(private readonly limit = 10_000) {}

  /** Records one handling of `event`; returns how many times it has been handled, this one included. */
  record(event: EventMessage<OrderCreated>): number {
    const key = event.msgId ?? `${event.stream}:${String(event.seq)}`;
    const count = (this.byKey.get(key)?.count ?? 0) + 1;
    this.byKey.delete(key);
    this.byKey.set(key, { key, orderId: event.data.id, userId: event.data.userId, seq: event.seq, count });
    const oldest = this.byKey.keys().next();
    if (this.byKey.size > this.limit && oldest.done !== true) this.byKey.delete(oldest.value);
    return count;
  }

  /** Every notification kept, oldest first, with the totals. */
  report(): NotificationReport {
    const notifications = [...this.byKey.values()];
    const duplicates = notifications.reduce((sum, sent) => sum + sent.count - 1, 0);
    return { notifications, handled: notifications.length, duplicates };
  }
}
