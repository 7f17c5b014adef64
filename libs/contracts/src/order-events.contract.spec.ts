import { describe, expect, it } from 'vitest';
import { ORDER_CREATED, ORDER_EVENTS_STREAM, orderCreatedSchema } from './order-events.contract.js';

const order = { id: '7', userId: '1', items: [{ sku: 'book-42', qty: 2 }], status: 'created', createdAt: '2026-01-02T03:04:05.000Z' };

describe('order events contract', () => {
  it('keeps orders.created in ORDER_EVENTS, and none of the request subjects orders answers', () => {
    expect(ORDER_EVENTS_STREAM).toEqual({ name: 'ORDER_EVENTS', subjects: ['orders.created'] });
    expect(ORDER_EVENTS_STREAM.subjects).toContain(ORDER_CREATED);
    for (const subject of ORDER_EVENTS_STREAM.subjects) expect(subject).not.toMatch(/[*>]/);
  });

  it('accepts an order as orders stores it', () => {
    expect(orderCreatedSchema.parse(order)).toEqual(order);
  });

  it.each([
    ['no id', { ...order, id: undefined }],
    ['no items', { ...order, items: [] }],
    ['a quantity of 0', { ...order, items: [{ sku: 'pen', qty: 0 }] }],
    ['another status', { ...order, status: 'cancelled' }],
    ['a createdAt that is not ISO 8601', { ...order, createdAt: 'yesterday' }],
    ['a Nest event envelope', { pattern: 'orders.created', data: order }],
  ])('rejects a payload with %s', (_case, payload) => {
    expect(orderCreatedSchema.safeParse(payload).success).toBe(false);
  });
});
