import { createEvents } from '@meshway/events';
import { ApiError, HttpEnvelopePipe, resolveServiceOptions, ServiceIdentity } from '@meshway/service';
import { FakeClock } from '@meshway/testing';
import type { HttpRequestEnvelope } from '@meshway/transport';
import { beforeEach, describe, expect, it } from 'vitest';
import { OrdersHandler } from './orders.handler.js';
import { OrdersService } from './orders.service.js';
import { serviceOptions } from './service.options.js';

const envelope = (patch: Partial<HttpRequestEnvelope>): HttpRequestEnvelope => ({ method: 'GET', path: '/orders', params: {}, query: {}, headers: {}, body: null, ...patch });

async function rejection(run: () => unknown): Promise<ApiError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('orders NATS handlers', () => {
  let handler: OrdersHandler;

  beforeEach(async () => {
    // Events off (no NATS), as in HTTP mode: publishing does nothing.
    const events = await createEvents({ disabledReason: 'handler spec' });
    const identity = new ServiceIdentity(resolveServiceOptions(serviceOptions));
    handler = new OrdersHandler(new OrdersService({ exists: () => Promise.resolve(true) }, events, new FakeClock(), identity));
  });

  it('orders.create replies 201 with the order; orders.get and orders.list find it', async () => {
    const created = await handler.create(envelope({ method: 'POST', body: { userId: '1', items: [{ sku: 'book-42', qty: 2 }] } }));
    expect(created).toEqual({ status: 201, body: expect.objectContaining({ id: '1', userId: '1', items: [{ sku: 'book-42', qty: 2 }], status: 'created' }) });
    expect(handler.get(envelope({ params: { id: '1' } }))).toEqual({ status: 200, body: created.body });
    expect(handler.list(envelope({}))).toEqual({ status: 200, body: [created.body] });
    expect(handler.list(envelope({ query: { userId: '2' } }))).toEqual({ status: 200, body: [] });
  });

  it.each([
    ['no body', null, ['']],
    ['no items', { userId: '1', items: [] }, ['items']],
    ['a missing user id', { items: [{ sku: 'a', qty: 1 }] }, ['userId']],
    ['a zero quantity and an empty sku', { userId: '1', items: [{ sku: '', qty: 0 }] }, ['items.0.sku', 'items.0.qty']],
    ['a fractional quantity', { userId: '1', items: [{ sku: 'a', qty: 1.5 }] }, ['items.0.qty']],
    ['a quantity given as text', { userId: '1', items: [{ sku: 'a', qty: '2' }] }, ['items.0.qty']],
  ])('orders.create rejects %s with 400 VALIDATION_FAILED naming each field', async (_case, body, fields) => {
    const error = await rejection(() => handler.create(envelope({ method: 'POST', body })));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.details?.map((d) => d.field)).toEqual(fields);
  });

  it('orders.get replies 404 ORDER_NOT_FOUND for an unknown id, and 400 when the id is missing', async () => {
    expect(await rejection(() => handler.get(envelope({ params: { id: '9' } })))).toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND' });
    expect(await rejection(() => handler.get(envelope({})))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ field: 'id' }] });
  });

  it('orders.list rejects a repeated userId with 400', async () => {
    expect(await rejection(() => handler.list(envelope({ query: { userId: ['1', '2'] } })))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('a payload that is not an HTTP envelope is a 400 BAD_REQUEST, not a crash', async () => {
    expect(await rejection(() => new HttpEnvelopePipe().transform({ userId: '1' }))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});
