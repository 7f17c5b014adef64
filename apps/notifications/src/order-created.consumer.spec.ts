import type { OrderCreated } from '@meshway/contracts';
import type { EventMessage } from '@meshway/events';
import { describe, expect, it } from 'vitest';
import { NotificationLog } from './notification.log.js';
import { OrderCreatedConsumer } from './order-created.consumer.js';

const order = (id: string): OrderCreated => ({ id, userId: '1', items: [{ sku: 'book', qty: 2 }], status: 'created', createdAt: '2026-01-02T03:04:05.000Z' });

/** An event as @meshway/events hands it over; `msgId: null` for one published without. */
const event = (seq: number, id: string, msgId: string | null = `order-created:orders-a:${id}`): EventMessage<OrderCreated> => ({
  data: order(id),
  subject: 'orders.created',
  stream: 'ORDER_EVENTS',
  seq,
  msgId: msgId ?? undefined,
  deliveryCount: 1,
  headers: {},
});

describe('OrderCreatedConsumer', () => {
  it('notifies once per order and lists each, keyed by msgId (or stream:seq), oldest first', () => {
    const log = new NotificationLog();
    const consumer = new OrderCreatedConsumer(log);
    consumer.handle(event(1, '1'));
    consumer.handle(event(2, '2', null));
    expect(log.report()).toEqual({
      notifications: [
        { key: 'order-created:orders-a:1', orderId: '1', userId: '1', seq: 1, count: 1 },
        { key: 'ORDER_EVENTS:2', orderId: '2', userId: '1', seq: 2, count: 1 },
      ],
      handled: 2,
      duplicates: 0,
    });
  });

  it('tells orders with the same id from two orders instances apart by msgId', () => {
    const log = new NotificationLog();
    const consumer = new OrderCreatedConsumer(log);
    consumer.handle(event(1, '1', 'order-created:orders-a:1'));
    consumer.handle(event(2, '1', 'order-created:orders-b:1'));
    expect(log.report()).toMatchObject({ handled: 2, duplicates: 0 });
  });

  it('counts an event delivered again after it was handled, so a duplicate shows in the report', () => {
    const log = new NotificationLog();
    const consumer = new OrderCreatedConsumer(log);
    consumer.handle(event(1, '1'));
    consumer.handle({ ...event(1, '1'), deliveryCount: 2 });
    expect(log.report()).toMatchObject({ notifications: [expect.objectContaining({ orderId: '1', count: 2 })], handled: 1, duplicates: 1 });
  });

  it('keeps the most recent notifications only', () => {
    const log = new NotificationLog(2);
    for (const seq of [1, 2, 3]) log.record(event(seq, String(seq)));
    expect(log.report().notifications.map((sent) => sent.orderId)).toEqual(['2', '3']);
  });
});
