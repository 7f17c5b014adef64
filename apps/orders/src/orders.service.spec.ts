import { EventPublisher, EventsError, EventsErrorCode, type PublishOptions, type PublishResult } from '@meshway/events';
import { ApiError, resolveServiceOptions, ServiceIdentity } from '@meshway/service';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { OrdersService } from './orders.service.js';
import { serviceOptions } from './service.options.js';
import type { UserDirectory } from './user.directory.js';

/** Records what would be published; can be told to fail as a publish during a NATS outage does. */
class RecordingEvents extends EventPublisher {
  readonly published: { subject: string; payload: unknown; msgId: string | undefined }[] = [];
  failing = false;

  publish(subject: string, payload: unknown, options?: PublishOptions): Promise<PublishResult> {
    if (this.failing) return Promise.reject(new EventsError(EventsErrorCode.PublishTimeout, 'no ack within 5000 ms'));
    this.published.push({ subject, payload, msgId: options?.msgId });
    return Promise.resolve({ published: true, stream: 'ORDER_EVENTS', seq: this.published.length, duplicate: false });
  }
}

class FixedUserDirectory implements UserDirectory {
  constructor(private readonly known: readonly string[]) {}

  exists(userId: string): Promise<boolean> {
    return Promise.resolve(this.known.includes(userId));
  }
}

function setup(directory: UserDirectory = new FixedUserDirectory(['1', '2'])) {
  const events = new RecordingEvents();
  const clock = new FakeClock(Date.parse('2026-01-02T03:04:05.000Z'));
  const identity = new ServiceIdentity(resolveServiceOptions(serviceOptions), () => 'beef');
  identity.bind('127.0.0.1', 7000);
  return { orders: new OrdersService(directory, events, clock, identity), events, clock };
}

const items = [{ sku: 'book-42', qty: 2 }];

describe('OrdersService', () => {
  it('creates an order with the next id and the clock time, and publishes orders.created with it and a msgId unique across instances', async () => {
    const { orders, events, clock } = setup();
    const first = await orders.create({ userId: '1', items });
    expect(first).toEqual({ id: '1', userId: '1', items, status: 'created', createdAt: '2026-01-02T03:04:05.000Z' });
    await clock.advance(60_000);
    const second = await orders.create({ userId: '2', items: [{ sku: 'pen', qty: 1 }] });
    expect(second).toMatchObject({ id: '2', createdAt: '2026-01-02T03:05:05.000Z' });
    expect(events.published).toEqual([
      { subject: 'orders.created', payload: first, msgId: 'order-created:orders-127.0.0.1-7000-beef:1' },
      { subject: 'orders.created', payload: second, msgId: 'order-created:orders-127.0.0.1-7000-beef:2' },
    ]);
  });

  it('gets an order by id and lists all orders or those of one user', async () => {
    const { orders } = setup();
    const a = await orders.create({ userId: '1', items });
    const b = await orders.create({ userId: '2', items });
    expect(orders.get(a.id)).toEqual(a);
    expect(orders.list()).toEqual([a, b]);
    expect(orders.list('2')).toEqual([b]);
    expect(orders.list('nobody')).toEqual([]);
  });

  it('throws 404 ORDER_NOT_FOUND for an unknown id', () => {
    expect(() => setup().orders.get('42')).toThrow(new ApiError(404, 'ORDER_NOT_FOUND', 'No order with id "42"'));
  });

  it('refuses an order for a user the directory does not know: 422 USER_NOT_FOUND, nothing stored or published', async () => {
    const { orders, events } = setup(new FixedUserDirectory(['1']));
    await expect(orders.create({ userId: '7', items })).rejects.toMatchObject({ status: 422, code: 'USER_NOT_FOUND', message: 'Cannot create an order for unknown user "7"' });
    expect(orders.list()).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('keeps the order when the event cannot be published (the loss is logged)', async () => {
    const { orders, events } = setup();
    events.failing = true;
    const order = await orders.create({ userId: '1', items });
    expect(orders.get(order.id)).toEqual(order);
  });
});
