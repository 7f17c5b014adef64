import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, waitFor, type StartedNatsServer } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform, type Component } from '../support/platform.js';

/** Orders created while the consumer is down. */
const ORDERS = 100;
/** Of those, published again with the same msgId, as a publisher retrying after a lost ack would. */
const REPUBLISHED = 10;
/** How long the restarted consumer may take to boot and catch up (generous: a cold `spawnTs` on a loaded 2-core machine). */
const CATCH_UP_MS = 60_000;
/** After catching up, how long to keep watching for a late redelivery (an unacked event comes back after ackWait, 30 s: a kill leaves none, checked through the consumer's ack-pending count instead). */
const SETTLE_MS = 2_000;

const STREAM = 'ORDER_EVENTS';
const DURABLE = 'notifications';

/** `GET /api/notifications` as notifications answers it. */
interface Report {
  readonly notifications: readonly { readonly key: string; readonly orderId: string; readonly count: number }[];
  readonly handled: number;
  readonly duplicates: number;
}

/** Nest's NATS request packet, as the gateway sends it; resolves with the envelope reply's status and body. */
async function natsCall(nc: NatsConnection, subject: string, envelope: object): Promise<{ status: number | undefined; body: unknown }> {
  const msg = await nc.request(subject, JSON.stringify({ pattern: subject, data: envelope, id: randomUUID() }), { timeout: 10_000 });
  const packet = msg.json<{ response?: { status?: number; body?: unknown }; err?: unknown }>();
  if (packet.err !== undefined) throw new Error(`${subject} answered err ${JSON.stringify(packet.err)}`);
  return { status: packet.response?.status, body: packet.response?.body };
}

const envelope = (patch: object): object => ({ method: 'GET', path: '/', params: {}, query: {}, headers: {}, body: null, ...patch });

/** The JetStream API over plain NATS requests (what `nats stream info` does), so the test needs no client of its own. */
async function jsApi<T>(nc: NatsConnection, api: string, body: object = {}): Promise<T> {
  const answer = (await nc.request(`$JS.API.${api}`, JSON.stringify(body), { timeout: 5_000 })).json<T & { error?: { description: string } }>();
  if (answer.error) throw new Error(`$JS.API.${api}: ${answer.error.description}`);
  return answer;
}

const streamMessages = async (nc: NatsConnection): Promise<number> => (await jsApi<{ state: { messages: number } }>(nc, `STREAM.INFO.${STREAM}`)).state.messages;
const consumerState = (nc: NatsConnection) => jsApi<{ num_pending: number; num_ack_pending: number; num_redelivered: number }>(nc, `CONSUMER.INFO.${STREAM}.${DURABLE}`);

// Chaos test 7: the consumer is killed, 100 orders are created, the consumer starts again → each order handled once.
// Real processes (registry, users, orders, notifications) on a private `nats-server -js`: the stream, the durable and the
// `orders` queue group are fixed names, so on the machine's shared NATS a running `npm start` or another suite would take
// part (or have its stream wiped by a clean-up); here the server and its store go away with the test, leaving nothing.
describe('events: a consumer that was down catches up on orders.created, each order handled exactly once', () => {
  let jetStream: StartedNatsServer;
  let platform: Platform;
  let nc: NatsConnection;
  let consumer: Component;

  const report = async (): Promise<Report> => {
    const answer = await natsCall(nc, 'notifications.list', envelope({ path: '/api/notifications' }));
    return answer.body as Report;
  };

  const createOrder = async (sku: string): Promise<{ id: string }> => {
    const answer = await natsCall(nc, 'orders.create', envelope({ method: 'POST', path: '/orders', body: { userId: '1', items: [{ sku, qty: 1 }] } }));
    if (answer.status !== 201) throw new Error(`orders.create answered ${String(answer.status)} ${JSON.stringify(answer.body)}`);
    return answer.body as { id: string };
  };

  beforeAll(async () => {
    jetStream = await startNatsServer({ jetStream: true });
    platform = await Platform.start({ services: { users: 1, orders: 1 }, gateway: false, env: { NATS_URL: jetStream.url } });
    nc = await connect({ servers: [jetStream.url] });
    consumer = await platform.startService('notifications');
    // The pipeline works and the durable exists before the consumer goes down.
    const warmUp = await createOrder('warm-up');
    await waitFor(async () => (await report()).notifications.some((sent) => sent.orderId === warmUp.id), { timeoutMs: 15_000, message: 'the warm-up order notified' });
    await waitFor(async () => (await consumerState(nc)).num_ack_pending === 0, { timeoutMs: 5_000, message: 'the warm-up event acked' });
  }, 180_000);

  afterAll(async () => {
    await nc.close();
    await platform.stop();
    await jetStream.stop();
  });

  it('kill -9 the consumer, create 100 orders (10 published twice), start it: all 100 handled once, nothing left pending', async () => {
    await consumer.process.kill('SIGKILL');
    const before = await streamMessages(nc);

    const created: { id: string }[] = [];
    for (let i = 0; i < ORDERS; i++) created.push(await createOrder(`chaos-${String(i)}`));
    const orders = platform.component('orders#1');
    const { instance } = (await (await fetch(`${orders.url}/info`)).json()) as { instance: string };
    const msgIds = created.map((order) => `order-created:${instance}:${order.id}`);

    // A publisher retrying after a lost ack sends the same msgId again: the stream stores nothing new.
    const acks = [];
    for (const [i, msgId] of msgIds.slice(0, REPUBLISHED).entries()) {
      const h = natsHeaders();
      h.set('Nats-Msg-Id', msgId);
      const order = { id: created[i]!.id, userId: '1', items: [{ sku: `chaos-${String(i)}`, qty: 1 }], status: 'created', createdAt: new Date().toISOString() };
      acks.push((await nc.request('orders.created', JSON.stringify(order), { headers: h, timeout: 5_000 })).json<{ duplicate?: boolean }>());
    }
    expect(acks.every((ack) => ack.duplicate === true), JSON.stringify(acks)).toBe(true);
    expect(await streamMessages(nc)).toBe(before + ORDERS);
    expect(await consumerState(nc)).toMatchObject({ num_pending: ORDERS, num_ack_pending: 0 });

    const started = performance.now();
    const restarted = await platform.startService('notifications');
    const ready = performance.now();
    const caughtUp = await waitFor(async () => {
      const now = await report();
      return now.handled >= ORDERS ? now : undefined;
    }, { timeoutMs: CATCH_UP_MS, intervalMs: 100, message: `${String(ORDERS)} orders handled by the restarted consumer` });
    const done = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const final = await report();
    const state = await consumerState(nc);

    console.log(
      `events: published ${String(ORDERS)} orders.created while ${consumer.name} was down (+${String(REPUBLISHED)} re-published with the same msgId: ` +
        `${String(acks.filter((ack) => ack.duplicate === true).length)} recognised as duplicates, stream grew by ${String((await streamMessages(nc)) - before)}); ` +
        `${restarted.name} handled ${String(final.handled)}, duplicates ${String(final.duplicates)}, ` +
        `caught up ${String(Math.round(done - started))} ms after start (${String(Math.round(done - ready))} ms after healthy); ` +
        `consumer pending ${String(state.num_pending)}, ack-pending ${String(state.num_ack_pending)}, redelivered ${String(state.num_redelivered)}`,
    );
    expect(caughtUp.handled).toBe(ORDERS);
    expect(final.notifications.map((sent) => sent.key).sort()).toEqual([...msgIds].sort());
    expect(final.notifications.filter((sent) => sent.count !== 1)).toEqual([]);
    expect(final).toMatchObject({ handled: ORDERS, duplicates: 0 });
    expect(state).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  }, 180_000);
});
