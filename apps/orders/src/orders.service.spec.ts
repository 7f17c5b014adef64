import { ApiError } from '@meshway/service';
import { FakeClock } from '@meshway/testing';
import { Observable, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Order } from './order.schema.js';
import { OrdersService, type OrderEvents } from './orders.service.js';
import type { UserDirectory } from './user.directory.js';

/** Records what would be published; can be told to fail like a NATS outage. */
class RecordingEvents implements OrderEvents {
  readonly published: { pattern: string; data: Order }[] = [];
  failing = false;

  emit(pattern: string, data: Order): Observable<unknown> {
    if (this.failing) return throwError(() => new Error('NATS connection closed'));
    this.published.push({ pattern, data });
    return of(undefined);
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
  return { orders: new OrdersService(directory, events, clock), events, clock };
}

const items = [{ sku: 'book-42', qty: 2 }];

describe('OrdersService', () => {
  it('creates an order with the next id and the clock time, and publishes orders.created with it', async () => {
    const { orders, events, clock } = setup();
    const first = await orders.create({ userId: '1', items });
    expect(first).toEqual({ id: '1', userId: '1', items, status: 'created', createdAt: '2026-01-02T03:04:05.000Z' });
    await clock.advance(60_000);
    const second = await orders.create({ userId: '2', items: [{ sku: 'pen', qty: 1 }] });
    expect(second).toMatchObject({ id: '2', createdAt: '2026-01-02T03:05:05.000Z' });
    expect(events.published).toEqual([
      { pattern: 'orders.created', data: first },
      { pattern: 'orders.created', data: second },
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
