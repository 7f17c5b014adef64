import { fileURLToPath } from 'node:url';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { packageVersion } from '@meshway/service';
import { freePort, spawnTs, type ManagedProcess } from '@meshway/testing';
import type { HttpReplyEnvelope, HttpRequestEnvelope } from '@meshway/transport';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

// The real service process, as `npm run serve` starts it, and a real request over NATS.
describe('orders service (real process, real NATS)', () => {
  let service: ManagedProcess;
  let client: ClientProxy;
  let url: string;

  const request = (body: unknown): Promise<HttpReplyEnvelope> => {
    const envelope: HttpRequestEnvelope = { method: 'POST', path: '/orders/echo', params: {}, query: {}, headers: {}, body };
    return firstValueFrom(client.send<HttpReplyEnvelope>('orders.echo', envelope).pipe(timeout(5_000)));
  };

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      name: 'orders',
      env: { PORT: String(port), HOST: '127.0.0.1', NATS_URL, MESHWAY_REGISTER: 'false' },
    });
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await client.connect();
    await service.waitForHttp(`${url}/health`, 25_000);
  });

  afterAll(async () => {
    await client.close();
    await service.kill();
  });

  it('logs one start line with its URL and the NATS server', async () => {
    await service.waitForLine(/orders listening on http:\/\/127\.0\.0\.1:\d+ \(transport: nats at nats:\/\/\S+\)/, 5_000);
  });

  it('is ready once connected to NATS, and says so in /health', async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'orders', ready: true, checks: { nats: { status: 'up' } } });
  });

  it('tells who it is on /info', async () => {
    const info = await (await fetch(`${url}/info`)).json();
    expect(info).toEqual({ service: 'orders', instance: expect.stringMatching(/^orders-127\.0\.0\.1-\d+-[0-9a-f]{4}$/), version: packageVersion(import.meta.url), transport: 'nats' });
  });

  it('answers orders.echo over NATS with a reply envelope', async () => {
    expect(await request({ message: 'hi' })).toEqual({ status: 200, body: { echo: 'hi', service: 'orders', instance: expect.any(String) } });
  });

  it('answers bad input over NATS with 400 VALIDATION_FAILED and field errors', async () => {
    const answer = await request({ message: '' });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'message' }] } } });
  });

  it('closes gracefully and exits 0 on SIGTERM', async () => {
    await service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});
