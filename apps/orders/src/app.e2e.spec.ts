import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { packageVersion } from '@meshway/service';
import { freePort, spawnTs, startNatsServer, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';
import type { HttpReplyEnvelope, HttpRequestEnvelope } from '@meshway/transport';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';


const envelope = (patch: Partial<HttpRequestEnvelope>): HttpRequestEnvelope => ({ method: 'GET', path: '/orders', params: {}, query: {}, headers: {}, body: null, ...patch });

/** The next message on `subscription`, JSON-decoded, or a timeout error. */
async function nextMessage(subscription: Subscription, ms = 5_000): Promise<unknown> {
  const timer = setTimeout(() => {
    subscription.unsubscribe();
  }, ms);
  for await (const message of subscription) {
    clearTimeout(timer);
    return message.json();
  }
  throw new Error(`no message on ${subscription.getSubject()} within ${ms} ms`);
}

// The real service process, as `npm run serve` starts it, and real requests over NATS.
// A real registry and a real users service answer its "does this user exist?" question.
describe('orders service (real process, real NATS)', () => {
  let service: ManagedProcess;
  let registry: ManagedProcess;
  // A private NATS: `orders.*` subjects and the `orders` queue group are fixed, and other suites run orders too.
  let natsServer: StartedNatsServer;
  let NATS_URL: string;
  let users: ManagedProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'orders-e2e-'));
  let client: ClientProxy;
  let nats: NatsConnection;
  let url: string;

  const request = (subject: string, data: HttpRequestEnvelope): Promise<HttpReplyEnvelope> =>
    firstValueFrom(client.send<HttpReplyEnvelope>(subject, data).pipe(timeout(5_000)));

  beforeAll(async () => {
    natsServer = await startNatsServer();
    NATS_URL = natsServer.url;
    const [port, registryPort, usersPort] = [await freePort(), await freePort(), await freePort()];
    const consul = `http://127.0.0.1:${registryPort}`;
    registry = spawnTs('apps/registry/src/main.ts', { name: 'registry', env: { REGISTRY_PORT: String(registryPort), REGISTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    await registry.waitForHttp(`${consul}/v1/status/leader`, 60_000);
    users = spawnTs('apps/users/src/main.ts', { name: 'users', env: { PORT: String(usersPort), HOST: '127.0.0.1', CONSUL_HTTP_ADDR: consul, LOG_LEVEL: 'warn' } });
    url = `http://127.0.0.1:${port}`;
    service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      name: 'orders',
      env: { PORT: String(port), HOST: '127.0.0.1', NATS_URL, MESHWAY_REGISTER: 'false', CONSUL_HTTP_ADDR: consul },
    });
    await users.waitForHttp(`http://127.0.0.1:${usersPort}/health`, 60_000);
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await client.connect();
    nats = await connect({ servers: [NATS_URL] });
    await service.waitForHttp(`${url}/health`, 60_000);
  });

  afterAll(async () => {
    await client.close();
    await nats.close();
    await Promise.all([service.kill(), users.kill(), registry.kill()]);
    await natsServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs one start line with its URL and the NATS server', async () => {
    await service.waitForLine(/orders listening on http:\/\/127\.0\.0\.1:\d+ \(transport: nats at nats:\/\/\S+\)/, 5_000);
  });

  it('is ready once connected to NATS, and says so in /health and /info', async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'orders', ready: true, checks: { nats: { status: 'up' } } });
    const info = await (await fetch(`${url}/info`)).json();
    expect(info).toEqual({ service: 'orders', instance: expect.stringMatching(/^orders-127\.0\.0\.1-\d+-[0-9a-f]{4}$/), version: packageVersion(import.meta.url), transport: 'nats' });
  });

  it('creates an order (201), publishes orders.created, and finds it with orders.get and orders.list', async () => {
    const created = nats.subscribe('orders.created', { max: 1 });
    const reply = await request('orders.create', envelope({ method: 'POST', body: { userId: '1', items: [{ sku: 'book-42', qty: 2 }] } }));
    expect(reply).toEqual({ status: 201, body: { id: expect.any(String), userId: '1', items: [{ sku: 'book-42', qty: 2 }], status: 'created', createdAt: expect.any(String) } });
    const order = reply.body as { id: string };
    expect(await nextMessage(created)).toEqual({ pattern: 'orders.created', data: reply.body });
    expect(await request('orders.get', envelope({ params: { id: order.id } }))).toEqual({ status: 200, body: reply.body });
    const list = await request('orders.list', envelope({ query: { userId: '1' } }));
    expect(list).toMatchObject({ status: 200, body: expect.arrayContaining([reply.body]) });
  });

  it('refuses an order for a user the users service does not know (422 USER_NOT_FOUND)', async () => {
    const reply = await request('orders.create', envelope({ method: 'POST', body: { userId: '999', items: [{ sku: 'book-42', qty: 1 }] } }));
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: { code: 'USER_NOT_FOUND' } });
  });

  it('answers bad input with 400 VALIDATION_FAILED and field errors, and an unknown id with 404', async () => {
    const bad = await request('orders.create', envelope({ method: 'POST', body: { userId: '1', items: [{ sku: 'a', qty: 0 }] } }));
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'items.0.qty' }] } } });
    const missing = await request('orders.get', envelope({ params: { id: 'nope' } }));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ORDER_NOT_FOUND' } } });
  });

  it('closes gracefully and exits 0 on SIGTERM', async () => {
    await service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});
