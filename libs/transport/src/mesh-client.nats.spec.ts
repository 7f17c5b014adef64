import { randomUUID } from 'node:crypto';
import { StaticDiscovery } from '@meshway/discovery';
import { FakeClock, freePort } from '@meshway/testing';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MeshClient } from './mesh-client.js';

// These specs answer with a raw NATS responder speaking Nest's wire format; src/nest/ has the
// same calls against a real Nest microservice.
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
let responder: NatsConnection;
const clients: MeshClient[] = [];

beforeAll(async () => {
  responder = await connect({ servers: [NATS_URL] });
});
afterAll(async () => {
  await responder.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const uniquePattern = (name: string): string => `meshway-test.${randomUUID()}.${name}`;

function natsService(options: Partial<ConstructorParameters<typeof MeshClient>[0]> = {}): MeshClient {
  const discovery = new StaticDiscovery([{ service: 'orders', address: '127.0.0.1', port: 4100, meta: { 'meshway-transport': 'nats' } }]);
  const made = new MeshClient({ discovery, nats: { servers: [NATS_URL] }, ...options });
  clients.push(made);
  return made;
}

/** Subscribes `pattern` like a Nest handler would and answers with `answer(data, msg)` in Nest's reply shape. */
async function respond(pattern: string, answer: (data: unknown, msg: Msg) => Record<string, unknown> | undefined): Promise<void> {
  responder.subscribe(pattern, {
    queue: 'orders',
    callback: (_error, msg) => {
      const packet = msg.json<{ id: string; data: unknown; pattern: string }>();
      const reply = answer(packet.data, msg);
      if (reply) msg.respond(JSON.stringify({ id: packet.id, ...reply }));
    },
  });
  await responder.flush();
}

describe('MeshClient over NATS (Nest wire format)', () => {
  it('sends { pattern, data, id } on subject = pattern and returns a plain response as a 200 body', async () => {
    const pattern = uniquePattern('orders.get');
    const packets: unknown[] = [];
    await respond(pattern, (data, msg) => {
      packets.push({ subject: msg.subject, packet: msg.json() });
      return { response: { order: data }, isDisposed: true };
    });
    const got = await natsService().call('orders', pattern, { id: 7 });
    expect(got).toMatchObject({ status: 200, headers: {}, body: { order: { id: 7 } }, instance: { transport: 'nats' } });
    expect(packets).toEqual([{ subject: pattern, packet: { pattern, data: { id: 7 }, id: expect.stringMatching(/^[0-9a-f-]{36}$/) } }]);
  });

  it('shapes the response from an HttpReplyEnvelope reply', async () => {
    const pattern = uniquePattern('orders.create');
    await respond(pattern, () => ({ response: { status: 201, headers: { Location: '/orders/9' }, body: { id: 9 } }, isDisposed: true }));
    expect(await natsService().call('orders', pattern, {})).toMatchObject({ status: 201, headers: { location: '/orders/9' }, body: { id: 9 } });
  });

  it('propagates request id, traceparent, remaining budget and extra headers as NATS headers', async () => {
    const pattern = uniquePattern('orders.get');
    const headers: Record<string, string | undefined>[] = [];
    await respond(pattern, (_data, msg) => {
      const h = msg.headers;
      headers.push({ id: h?.get('x-request-id'), trace: h?.get('traceparent'), budget: h?.get('x-request-timeout'), consumer: h?.get('x-meshway-consumer') });
      return { response: 'ok', isDisposed: true };
    });
    const clock = new FakeClock(50_000);
    await natsService({ clock }).call('orders', pattern, null, {
      requestId: 'req-9',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      deadline: 50_000 + 777,
      headers: { 'x-meshway-consumer': 'acme' },
    });
    expect(headers).toEqual([{ id: 'req-9', trace: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', budget: '777', consumer: 'acme' }]);
  });

  it('throws MESHWAY_UPSTREAM_ERROR with the status of an err that carries one', async () => {
    const pattern = uniquePattern('orders.get');
    await respond(pattern, () => ({ err: { status: 404, message: 'Order 7 not found' }, isDisposed: true }));
    await expect(natsService().call('orders', pattern, { id: 7 })).rejects.toMatchObject({
      code: 'MESHWAY_UPSTREAM_ERROR',
      status: 404,
      message: expect.stringContaining('Order 7 not found'),
      body: { status: 404, message: 'Order 7 not found' },
    });
  });

  it('throws MESHWAY_UPSTREAM_UNAVAILABLE when nobody listens on the pattern (NATS "no responders")', async () => {
    await expect(natsService().call('orders', uniquePattern('orders.get'))).rejects.toMatchObject({
      code: 'MESHWAY_UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('no NATS responders'),
    });
  });

  it('throws MESHWAY_UPSTREAM_TIMEOUT when the responder does not answer within the budget', async () => {
    const pattern = uniquePattern('orders.get');
    await respond(pattern, () => undefined);
    await expect(natsService().call('orders', pattern, {}, { timeoutMs: 150 })).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_TIMEOUT' });
  });

  it('throws MESHWAY_BAD_REPLY when the reply is not a Nest packet', async () => {
    const pattern = uniquePattern('orders.get');
    responder.subscribe(pattern, {
      callback: (_e, msg) => {
        msg.respond('<html>');
      },
    });
    await responder.flush();
    await expect(natsService().call('orders', pattern)).rejects.toMatchObject({ code: 'MESHWAY_BAD_REPLY' });
  });

  it('throws MESHWAY_NATS_UNAVAILABLE when a NATS instance is picked but no NATS is configured', async () => {
    await expect(natsService({ nats: undefined }).call('orders', 'orders.get')).rejects.toMatchObject({ code: 'MESHWAY_NATS_UNAVAILABLE' });
  });

  it('throws MESHWAY_NATS_UNAVAILABLE when the NATS server cannot be reached, ', async () => {
    const port = await freePort();
    await expect(natsService({ nats: { servers: [`nats://127.0.0.1:${port}`] } }).call('orders', 'orders.get')).rejects.toMatchObject({
      code: 'MESHWAY_NATS_UNAVAILABLE',
      message: expect.stringContaining(`Cannot connect to NATS at nats://127.0.0.1:${port}`),
    });
  });

  it('rejects a payload that cannot be JSON with MESHWAY_INVALID_CALL', async () => {
    await expect(natsService().call('orders', uniquePattern('orders.get'), { n: 1n })).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL' });
  });

  it('rejects an HTTP-style target for a NATS instance with MESHWAY_INVALID_CALL', async () => {
    await expect(natsService().call('orders', 'GET /orders/1')).rejects.toMatchObject({
      code: 'MESHWAY_INVALID_CALL',
      message: expect.stringContaining('looks like an HTTP target'),
    });
  });

  it('uses a NATS connection the caller owns, and leaves it open on close()', async () => {
    const pattern = uniquePattern('orders.get');
    await respond(pattern, () => ({ response: 'shared', isDisposed: true }));
    const mesh = natsService({ nats: responder });
    expect((await mesh.call('orders', pattern)).body).toBe('shared');
    await mesh.close();
    expect(responder.isClosed()).toBe(false);
  });
});
