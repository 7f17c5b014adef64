import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { ORDER_CREATED, ORDER_EVENTS_STREAM } from '@meshway/contracts';
import { createEvents, type EventMessage, type Events, type EventSubscription } from '@meshway/events';
import { packageVersion } from '@meshway/service';
import { freePort, spawnTs, startNatsServer, waitFor, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';
import { ConsulDiscovery } from '@meshway/discovery';
import { MeshClient, type HttpReplyEnvelope, type HttpRequestEnvelope } from '@meshway/transport';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An answer, whichever way it came: a NATS reply envelope or an HTTP response. */
interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

/** Asks orders the three questions of its API, over one transport. */
interface Driver {
  create(body: unknown): Promise<Answer>;
  get(id: string): Promise<Answer>;
  list(query: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

const envelope = (patch: Partial<HttpRequestEnvelope>): HttpRequestEnvelope => ({ method: 'GET', path: '/orders', params: {}, query: {}, headers: {}, body: null, ...patch });

/** NATS: the envelopes the gateway would send, on the subjects the routes name. */
async function natsDriver(servers: string): Promise<Driver> {
  const client: ClientProxy = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [servers] } });
  await client.connect();
  const send = (subject: string, data: HttpRequestEnvelope): Promise<Answer> => firstValueFrom(client.send<HttpReplyEnvelope>(subject, data).pipe(timeout(5_000)));
  return {
    create: (body) => send('orders.create', envelope({ method: 'POST', body })),
    get: (id) => send('orders.get', envelope({ path: `/orders/${id}`, params: { id } })),
    list: (query) => send('orders.list', envelope({ query })),
    close: async () => {
      await client.close();
    },
  };
}

/** HTTP: plain requests at the paths the gateway forwards (`/api` stripped). */
function httpDriver(url: string): Driver {
  const answer = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    return text === '' ? { status: response.status } : { status: response.status, body: JSON.parse(text) as unknown };
  };
  return {
    create: async (body) => answer(await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })),
    get: async (id) => answer(await fetch(`${url}/orders/${encodeURIComponent(id)}`)),
    list: async (query) => answer(await fetch(`${url}/orders?${new URLSearchParams(query).toString()}`)),
    close: () => Promise.resolve(),
  };
}

/** The next message on `subscription`, or a timeout error. */
async function nextMessage(subscription: Subscription, ms = 5_000): Promise<Msg> {
  const timer = setTimeout(() => {
    subscription.unsubscribe();
  }, ms);
  for await (const message of subscription) {
    clearTimeout(timer);
    return message;
  }
  throw new Error(`no message on ${subscription.getSubject()} within ${ms} ms`);
}

// The real service process, as `npm run serve` starts it, once per transport; the same questions get the same answers.
// A real registry and a real users service answer its "does this user exist?" question.
describe('orders service (real process)', () => {
  let registry: ManagedProcess;
  let users: ManagedProcess;
  // Private NATS servers — one with JetStream, one without: `orders.*` subjects, the `orders` queue group and the
  // ORDER_EVENTS stream are fixed, and other suites run orders too.
  let natsServer: StartedNatsServer;
  let plainNats: StartedNatsServer;
  let consul: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'orders-e2e-'));

  beforeAll(async () => {
    [natsServer, plainNats] = await Promise.all([startNatsServer({ jetStream: true }), startNatsServer()]);
    const [registryPort, usersPort] = [await freePort(), await freePort()];
    consul = `http://127.0.0.1:${registryPort}`;
    registry = spawnTs('apps/registry/src/main.ts', { name: 'registry', env: { REGISTRY_PORT: String(registryPort), REGISTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    await registry.waitForHttp(`${consul}/v1/status/leader`, 60_000);
    users = spawnTs('apps/users/src/main.ts', { name: 'users', env: { PORT: String(usersPort), HOST: '127.0.0.1', CONSUL_HTTP_ADDR: consul, LOG_LEVEL: 'warn' } });
    await users.waitForHttp(`http://127.0.0.1:${usersPort}/health`, 60_000);
  });

  afterAll(async () => {
    await Promise.all([users.kill(), registry.kill()]);
    await Promise.all([natsServer.stop(), plainNats.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each([
    { run: 'MESHWAY_TRANSPORT=nats', mode: 'nats', serves: 'nats', jetStream: true },
    { run: 'MESHWAY_TRANSPORT=nats, NATS without JetStream', mode: 'nats', serves: 'nats', jetStream: false },
    { run: 'MESHWAY_TRANSPORT=http', mode: 'http', serves: 'http', jetStream: false },
    { run: 'MESHWAY_TRANSPORT=auto, NATS not answering', mode: 'auto', serves: 'http', jetStream: false },
  ] as const)('$run', ({ mode, serves, jetStream }) => {
    let service: ManagedProcess;
    let orders: Driver;
    let nats: NatsConnection | undefined;
    let url: string;
    let natsUrl: string;
    // Reads ORDER_EVENTS through a durable of its own, as notifications would (JetStream run only).
    let events: Events | undefined;
    let reader: EventSubscription | undefined;
    const read: EventMessage[] = [];

    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      natsUrl = mode === 'auto' ? `nats://127.0.0.1:${await freePort()}` : jetStream ? natsServer.url : plainNats.url;
      service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
        name: `orders (${mode}${jetStream ? ', JetStream' : ''})`,
        env: { PORT: String(port), HOST: '127.0.0.1', NATS_URL: natsUrl, MESHWAY_TRANSPORT: mode, CONSUL_HTTP_ADDR: consul, LOG_LEVEL: 'info' },
      });
      await service.waitForHttp(`${url}/health`, 60_000);
      orders = serves === 'nats' ? await natsDriver(natsUrl) : httpDriver(url);
      if (serves === 'nats') nats = await connect({ servers: [natsUrl] });
      if (jetStream) {
        events = await createEvents({ nats: { servers: [natsUrl] } });
        reader = await events.subscribe({ stream: ORDER_EVENTS_STREAM.name, durable: 'orders-e2e', subject: ORDER_CREATED, handler: (event) => void read.push(event) });
      }
    });

    afterAll(async () => {
      await reader?.close();
      await events?.close();
      await orders.close();
      await nats?.close();
      await service.kill();
    });

    it('logs one start line with its URL and the transport it serves, and why', async () => {
      const why = { nats: 'nats at nats:\\/\\/\\S+', http: 'http — NATS handlers served over HTTP; MESHWAY_TRANSPORT=http', auto: 'http — NATS handlers served over HTTP; MESHWAY_TRANSPORT=auto, NATS not reachable at nats:\\/\\/127\\.0\\.0\\.1:\\d+: ECONNREFUSED' }[mode];
      await service.waitForLine(new RegExp(`orders listening on http:\\/\\/127\\.0\\.0\\.1:\\d+ \\(transport: ${why}\\)`), 5_000);
    });

    it('is ready, says which transport it serves in /info, and reports NATS in /health only when it uses NATS', async () => {
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      const checks = serves === 'nats' ? { nats: { status: 'up', message: expect.any(String) } } : {};
      expect(await health.json()).toEqual({ status: 'ok', service: 'orders', live: true, ready: true, checks });
      const info = await (await fetch(`${url}/info`)).json();
      expect(info).toEqual({ service: 'orders', instance: expect.stringMatching(/^orders-127\.0\.0\.1-\d+-[0-9a-f]{4}$/), version: packageVersion(import.meta.url), transport: serves });
    });

    it('registers with the transport it serves, its routes and prefix (and meshway-rpc: http in HTTP mode)', async () => {
      const { instance } = (await (await fetch(`${url}/info`)).json()) as { instance: string };
      const entries = (await (await fetch(`${consul}/v1/catalog/service/orders`)).json()) as { ServiceID: string; ServiceMeta: Record<string, string> }[];
      const meta = entries.find((entry) => entry.ServiceID === instance)?.ServiceMeta;
      expect(meta).toMatchObject({
        'meshway-transport': serves,
        'meshway-routes': 'POST /api/orders orders.create;GET /api/orders orders.list;GET /api/orders/:id orders.get',
        'meshway-strip-prefix': '/api',
      });
      if (serves === 'http') expect(meta).toMatchObject({ 'meshway-rpc': 'http' });
      else expect(meta).not.toHaveProperty('meshway-rpc');
    });

    it('creates an order (201) and finds it by id and in the list of its user', async () => {
      const created = jetStream ? nats?.subscribe('orders.created', { max: 1 }) : undefined;
      const reply = await orders.create({ userId: '1', items: [{ sku: 'book-42', qty: 2 }] });
      expect(reply).toEqual({ status: 201, body: { id: expect.any(String), userId: '1', items: [{ sku: 'book-42', qty: 2 }], status: 'created', createdAt: expect.any(String) } });
      const order = reply.body as { id: string };
      expect(await orders.get(order.id)).toEqual({ status: 200, body: reply.body });
      expect(await orders.list({ userId: '1' })).toMatchObject({ status: 200, body: expect.arrayContaining([reply.body]) });
      // The event's payload is the order itself (no Nest { pattern, data } envelope).
      if (created) expect((await nextMessage(created)).json()).toEqual(reply.body);
    });

    it.runIf(jetStream)('publishes orders.created into ORDER_EVENTS: a durable reads the order once, with a msgId naming the instance', async () => {
      const order = (await orders.create({ userId: '2', items: [{ sku: 'pen', qty: 3 }] })).body as { id: string };
      const { instance } = (await (await fetch(`${url}/info`)).json()) as { instance: string };
      const event = await waitFor(() => read.find((e) => (e.data as { id: string }).id === order.id), { timeoutMs: 5_000, message: `orders.created for ${order.id}` });
      expect(event).toMatchObject({ stream: 'ORDER_EVENTS', subject: 'orders.created', data: order, msgId: `order-created:${instance}:${order.id}`, deliveryCount: 1 });
      expect(read.filter((e) => e.msgId === event.msgId)).toHaveLength(1);
    });

    it('publishes orders.created with JetStream; otherwise says once at boot that events are off (and why), and nothing per order', async () => {
      const off = /events are off: /g;
      if (jetStream) {
        expect(service.output()).not.toMatch(off);
        return;
      }
      await orders.create({ userId: '1', items: [{ sku: 'pen', qty: 1 }] });
      expect(service.output().match(off)).toHaveLength(1);
      expect(service.output()).toMatch(serves === 'http' ? /events are off: orders serves HTTP \(MESHWAY_TRANSPORT=/ : /events are off: .*start the server with -js.*MESHWAY_EVENTS_JETSTREAM_DISABLED/);
      expect(service.output()).not.toMatch(/was not published/);
    });

    it('refuses an order for a user the users service does not know (422 USER_NOT_FOUND)', async () => {
      const reply = await orders.create({ userId: '999', items: [{ sku: 'book-42', qty: 1 }] });
      expect(reply).toMatchObject({ status: 422, body: { error: { code: 'USER_NOT_FOUND' } } });
    });

    it('answers bad input with 400 VALIDATION_FAILED and field errors, and an unknown id with 404', async () => {
      expect(await orders.create({ userId: '1', items: [{ sku: 'a', qty: 0 }] })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'items.0.qty' }] } } });
      expect(await orders.get('nope')).toMatchObject({ status: 404, body: { error: { code: 'ORDER_NOT_FOUND' } } });
    });

    it.runIf(serves === 'http')('answers a Nest NATS request packet at /_meshway/rpc/<pattern> with the reply packet', async () => {
      const created = (await orders.create({ userId: '2', items: [{ sku: 'mug', qty: 3 }] })).body as { id: string };
      const packet = { pattern: 'orders.get', data: envelope({ path: `/orders/${created.id}`, params: { id: created.id } }), id: 'call-1' };
      const response = await fetch(`${url}/_meshway/rpc/orders.get`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' }, body: JSON.stringify(packet) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: 'call-1', response: { status: 200, body: created }, isDisposed: true });
      const unknown = await fetch(`${url}/_meshway/rpc/orders.cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...packet, pattern: 'orders.cancel' }) });
      expect({ status: unknown.status, body: await unknown.json() }).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_PATTERN' } } });
    });

    it('is called by pattern through MeshClient in every mode: over NATS, or at /_meshway/rpc in HTTP mode', async () => {
      const discovery = new ConsulDiscovery({ addr: consul });
      const mesh = new MeshClient({ discovery, nats: { servers: [natsUrl] } });
      try {
        const created = (await orders.create({ userId: '1', items: [{ sku: 'lamp', qty: 1 }] })).body as { id: string };
        const answer = await mesh.call('orders', 'orders.get', envelope({ path: `/orders/${created.id}`, params: { id: created.id } }));
        expect(answer).toMatchObject({ status: 200, body: created, instance: { transport: serves } });
        await expect(mesh.call('orders', 'orders.get', envelope({ path: '/orders/nope', params: { id: 'nope' } }))).resolves.toMatchObject({ status: 404 });
        await expect(mesh.call('orders', 'orders.cancel', {})).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_UNAVAILABLE' });
      } finally {
        await mesh.close();
        await discovery.close();
      }
    });

    it('closes gracefully and exits 0 on SIGTERM', async () => {
      await service.kill('SIGTERM');
      expect(await service.exited).toEqual({ code: 0, signal: null });
    });
  });
});
