import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { createEvents, type Events } from '@meshway/events';
import { packageVersion } from '@meshway/service';
import { freePort, spawnTs, startNatsServer, waitFor, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';
import type { HttpReplyEnvelope, HttpRequestEnvelope } from '@meshway/transport';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real service process, as `npm run serve` starts it, and a real request over NATS.
describe('notifications service (real process, real NATS)', () => {
  let service: ManagedProcess;
  let client: ClientProxy;
  let url: string;
  // A private nats-server with JetStream: the stream and durable names are fixed, and a running `npm start` on the
  // machine's NATS would share them (and take half of the events).
  let nats: StartedNatsServer;
  let natsUrl: string;
  let events: Events;

  const request = (body: unknown): Promise<HttpReplyEnvelope> => {
    const envelope: HttpRequestEnvelope = { method: 'POST', path: '/notifications/echo', params: {}, query: {}, headers: {}, body };
    return firstValueFrom(client.send<HttpReplyEnvelope>('notifications.echo', envelope).pipe(timeout(5_000)));
  };

  beforeAll(async () => {
    nats = await startNatsServer({ jetStream: true });
    natsUrl = nats.url;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      name: 'notifications',
      env: { PORT: String(port), HOST: '127.0.0.1', NATS_URL: natsUrl, MESHWAY_TRANSPORT: 'nats', MESHWAY_REGISTER: 'false' },
    });
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [natsUrl] } });
    await client.connect();
    events = await createEvents({ nats: { servers: [natsUrl] } });
    await service.waitForHttp(`${url}/health`, 60_000);
  });

  afterAll(async () => {
    await client.close();
    await events.close();
    await service.kill();
    await nats.stop();
  });

  it('logs one start line with its URL and the NATS server', async () => {
    await service.waitForLine(/notifications listening on http:\/\/127\.0\.0\.1:\d+ \(transport: nats at nats:\/\/\S+\)/, 5_000);
  });

  it('is ready once connected to NATS, and says so in /health', async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'notifications', ready: true, checks: { nats: { status: 'up' } } });
  });

  it('tells who it is on /info', async () => {
    const info = await (await fetch(`${url}/info`)).json();
    expect(info).toEqual({ service: 'notifications', instance: expect.stringMatching(/^notifications-127\.0\.0\.1-\d+-[0-9a-f]{4}$/), version: packageVersion(import.meta.url), transport: 'nats' });
  });

  it('answers notifications.echo over NATS with a reply envelope', async () => {
    expect(await request({ message: 'hi' })).toEqual({ status: 200, body: { echo: 'hi', service: 'notifications', instance: expect.any(String) } });
  });

  it('answers bad input over NATS with 400 VALIDATION_FAILED and field errors', async () => {
    const answer = await request({ message: '' });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'message' }] } } });
  });

  it('handles each event of its stream once: published twice with one msgId, listed once with count 1', async () => {
    const msgId = `e2e-${randomUUID()}`;
    expect(await events.publish('notifications.sample', { message: 'hello' }, { msgId })).toMatchObject({ published: true, duplicate: false });
    expect(await events.publish('notifications.sample', { message: 'hello' }, { msgId })).toMatchObject({ published: true, duplicate: true });
    const list = async () => ((await firstValueFrom(client.send<HttpReplyEnvelope>('notifications.handled', {}).pipe(timeout(5_000)))).body as { events: { key: string; count: number }[] }).events;
    const handled = await waitFor(async () => (await list()).find((event) => event.key === msgId), { timeoutMs: 10_000, message: `event ${msgId} handled` });
    expect(handled).toMatchObject({ key: msgId, subject: 'notifications.sample', count: 1 });
  });

  it('closes gracefully and exits 0 on SIGTERM', async () => {
    await service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});

// Without NATS (MESHWAY_TRANSPORT=http, or auto with NATS down) the same handler answers over plain HTTP.
describe('notifications service (real process, HTTP mode: no NATS)', () => {
  let service: ManagedProcess;
  let url: string;

  beforeAll(async () => {
    const [port, closed] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      name: 'notifications (http)',
      env: { PORT: String(port), HOST: '127.0.0.1', NATS_URL: `nats://127.0.0.1:${closed}`, MESHWAY_TRANSPORT: 'http', MESHWAY_REGISTER: 'false' },
    });
    await service.waitForHttp(`${url}/health`, 60_000);
  });

  afterAll(async () => {
    await service.kill();
  });

  it('says so in its start line and in /info', async () => {
    await service.waitForLine(/notifications listening on http:\/\/127\.0\.0\.1:\d+ \(transport: http — NATS handlers served over HTTP; MESHWAY_TRANSPORT=http\)/, 5_000);
    expect(await (await fetch(`${url}/info`)).json()).toMatchObject({ service: 'notifications', transport: 'http' });
  });

  it('says once at boot that events are off, and serves', async () => {
    const off = /events are off: notifications serves HTTP \(MESHWAY_TRANSPORT=http\)/g;
    await service.waitForLine(off, 5_000);
    expect(service.output().match(off)).toHaveLength(1);
  });

  it('answers POST /api/notifications/echo over HTTP as the gateway would have answered it over NATS', async () => {
    const post = (body: unknown) => fetch(`${url}/api/notifications/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post({ message: 'hi' });
    expect({ status: ok.status, body: await ok.json() }).toEqual({ status: 200, body: { echo: 'hi', service: 'notifications', instance: expect.any(String) } });
    const bad = await post({ message: '' });
    expect({ status: bad.status, body: await bad.json() }).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'message' }] } } });
  });
});
