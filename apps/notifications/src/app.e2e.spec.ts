import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { ORDER_CREATED, ORDER_EVENTS_STREAM, type OrderCreated } from '@meshway/contracts';
import { createEvents, type Events } from '@meshway/events';
import { packageVersion } from '@meshway/service';
import { freePort, spawnTs, startNatsServer, waitFor, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';
import type { HttpReplyEnvelope } from '@meshway/transport';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationReport } from './notification.log.js';

const order = (id: string): OrderCreated => ({ id, userId: '1', items: [{ sku: 'book', qty: 2 }], status: 'created', createdAt: new Date().toISOString() });

/** Starts the service as `npm run serve` does, on a free port, and waits for its /health. */
async function startService(name: string, env: Record<string, string>): Promise<{ service: ManagedProcess; url: string }> {
  const port = await freePort();
  const service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
    name,
    env: { PORT: String(port), HOST: '127.0.0.1', MESHWAY_REGISTER: 'false', LOG_LEVEL: 'info', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  await service.waitForHttp(`${url}/health`, 60_000);
  return { service, url };
}

// The real service process, reading orders.created from a real JetStream through its durable consumer.
describe('notifications service (real process, NATS with JetStream)', () => {
  let service: ManagedProcess;
  let url: string;
  let client: ClientProxy;
  // A private nats-server with JetStream: the stream and durable names are fixed, and a running `npm start` on the
  // machine's NATS would share them (and take half of the events).
  let nats: StartedNatsServer;
  let publisher: Events;
  let nc: NatsConnection;

  const report = async (): Promise<NotificationReport> => {
    const answer = await firstValueFrom(client.send<HttpReplyEnvelope>('notifications.list', {}).pipe(timeout(5_000)));
    return answer.body as NotificationReport;
  };

  beforeAll(async () => {
    nats = await startNatsServer({ jetStream: true });
    ({ service, url } = await startService('notifications', { NATS_URL: nats.url, MESHWAY_TRANSPORT: 'nats' }));
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [nats.url] } });
    await client.connect();
    // Publishes as orders does: into the stream notifications ensured at boot.
    publisher = await createEvents({ nats: { servers: [nats.url] } });
    nc = await connect({ servers: [nats.url] });
  });

  afterAll(async () => {
    await client.close();
    await publisher.close();
    await nc.close();
    await service.kill();
    await nats.stop();
  });

  it('logs one start line with its URL and the NATS server, and no events-off warning', async () => {
    await service.waitForLine(/notifications listening on http:\/\/127\.0\.0\.1:\d+ \(transport: nats at nats:\/\/\S+\)/, 5_000);
    expect(service.output()).not.toMatch(/events are off/);
  });

  it('is ready, and tells who it is on /info', async () => {
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', service: 'notifications', ready: true, checks: { nats: { status: 'up' } } });
    const info = await (await fetch(`${url}/info`)).json();
    expect(info).toEqual({ service: 'notifications', instance: expect.stringMatching(/^notifications-127\.0\.0\.1-\d+-[0-9a-f]{4}$/), version: packageVersion(import.meta.url), transport: 'nats' });
  });

  it('ensured ORDER_EVENTS at boot (so it can start before orders), with orders.created only', async () => {
    expect(await publisher.ensureStream(ORDER_EVENTS_STREAM)).toMatchObject({ action: 'unchanged', subjects: ['orders.created'] });
  });

  it('notifies each order once: an event published twice with one msgId is stored and handled once', async () => {
    const run = randomUUID().slice(0, 8);
    const msgIds = ['1', '2', '3'].map((id) => `order-created:orders-${run}:${id}`);
    for (const [i, msgId] of msgIds.entries()) await publisher.publish(ORDER_CREATED, order(String(i + 1)), { msgId });
    expect(await publisher.publish(ORDER_CREATED, order('1'), { msgId: msgIds[0] })).toMatchObject({ published: true, duplicate: true });
    const mine = async () => (await report()).notifications.filter((sent) => msgIds.includes(sent.key));
    await waitFor(async () => (await mine()).length === 3, { timeoutMs: 10_000, message: 'three orders notified' });
    expect((await mine()).map(({ key, orderId, count }) => ({ key, orderId, count }))).toEqual(msgIds.map((key, i) => ({ key, orderId: String(i + 1), count: 1 })));
    expect(await report()).toMatchObject({ duplicates: 0 });
    await service.waitForLine(/order 3 for user 1: notification sent/, 5_000);
  });

  it('dead-letters a payload that is not an order (an old Nest {pattern,data} envelope) at once, and goes on', async () => {
    const deadLetters = nc.subscribe('meshway.dead-letter.>');
    const seen: Msg[] = [];
    void (async () => {
      for await (const msg of deadLetters) seen.push(msg);
    })();
    await nc.flush();
    const msgId = `envelope-${randomUUID()}`;
    await publisher.publish(ORDER_CREATED, { pattern: ORDER_CREATED, data: order('9') }, { msgId });
    const letter = await waitFor(() => seen.find((msg) => msg.headers?.get('x-meshway-dead-letter-msg-id') === msgId), { timeoutMs: 10_000, message: 'a dead letter' });
    expect(letter.subject).toBe('meshway.dead-letter.ORDER_EVENTS.notifications');
    expect(letter.headers?.get('x-meshway-dead-letter-reason')).toMatch(/^payload rejected/);
    expect((await report()).notifications.map((sent) => sent.key)).not.toContain(msgId);
    deadLetters.unsubscribe();
    const next = `order-created:after-${randomUUID()}:1`;
    await publisher.publish(ORDER_CREATED, order('10'), { msgId: next });
    await waitFor(async () => (await report()).notifications.some((sent) => sent.key === next), { timeoutMs: 10_000, message: 'the next order notified' });
  });

  it('answers notifications.list, the subject of its announced route GET /api/notifications, with the totals', async () => {
    expect(await report()).toMatchObject({ handled: expect.any(Number), duplicates: 0, notifications: expect.any(Array) });
  });

  it('closes gracefully and exits 0 on SIGTERM', async () => {
    await service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});

// Without NATS (MESHWAY_TRANSPORT=http) events are off — one line at boot — and the service still serves.
describe('notifications service (real process, HTTP mode: no NATS)', () => {
  let service: ManagedProcess;
  let url: string;

  beforeAll(async () => {
    ({ service, url } = await startService('notifications (http)', { NATS_URL: `nats://127.0.0.1:${await freePort()}`, MESHWAY_TRANSPORT: 'http' }));
  });

  afterAll(async () => {
    await service.kill();
  });

  it('says so in its start line and in /info', async () => {
    await service.waitForLine(/notifications listening on http:\/\/127\.0\.0\.1:\d+ \(transport: http — NATS handlers served over HTTP; MESHWAY_TRANSPORT=http\)/, 5_000);
    expect(await (await fetch(`${url}/info`)).json()).toMatchObject({ service: 'notifications', transport: 'http' });
  });

  it('says once at boot that events are off, and why', async () => {
    const off = /events are off: notifications serves HTTP \(MESHWAY_TRANSPORT=http\)/g;
    await service.waitForLine(off, 5_000);
    expect(service.output().match(off)).toHaveLength(1);
  });

  it('answers GET /api/notifications over HTTP: nothing handled', async () => {
    const response = await fetch(`${url}/api/notifications`);
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { notifications: [], handled: 0, duplicates: 0 } });
  });
});

// A NATS server without JetStream (no -js): events are off with one warning naming the code, and the service serves.
describe('notifications service (real process, NATS without JetStream)', () => {
  let nats: StartedNatsServer;
  let service: ManagedProcess;
  let url: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    ({ service, url } = await startService('notifications (no JetStream)', { NATS_URL: nats.url, MESHWAY_TRANSPORT: 'nats' }));
  });

  afterAll(async () => {
    await service.kill();
    await nats.stop();
  });

  it('boots, serves NATS, and says once that events are off because the server has no JetStream', async () => {
    const off = /events are off: .*MESHWAY_EVENTS_JETSTREAM_DISABLED/g;
    await service.waitForLine(off, 5_000);
    expect(service.output().match(off)).toHaveLength(1);
    expect(await (await fetch(`${url}/info`)).json()).toMatchObject({ transport: 'nats' });
  });
});
