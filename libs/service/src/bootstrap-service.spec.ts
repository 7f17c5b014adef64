import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Controller, Module } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { freePort, waitFor } from '@meshway/testing';
import { reply, type HttpReplyEnvelope, type HttpRequestEnvelope } from '@meshway/transport';
import { firstValueFrom, timeout } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bootstrapService, type RunningService } from './bootstrap-service.js';
import { HttpEnvelopePipe } from './http-envelope.pipe.js';
import { parseInput } from './input.parser.js';
import { MeshwayServiceModule } from './meshway-service.module.js';
import type { ServiceOptions } from './service.options.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const natsPort = Number(new URL(NATS_URL.split(',')[0] ?? '').port || 4222);

/** A NATS service whose subjects are unique to this run, so parallel suites never answer each other. */
function natsService(): { module: new () => unknown; options: ServiceOptions; subject: string } {
  const name = `svc-${randomBytes(3).toString('hex')}`;
  const subject = `${name}.greet`;
  const options: ServiceOptions = { name, version: '1.0.0', transport: 'nats', routes: [{ methods: ['POST'], path: `/api/${name}`, subject }] };
  @Controller()
  class GreetHandler {
    @MessagePattern(subject)
    greet(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope): HttpReplyEnvelope {
      const { who } = parseInput(z.object({ who: z.string().min(1) }), request.body);
      return reply(200, { hello: who });
    }
  }
  @Module({ imports: [MeshwayServiceModule.forRoot(options)], controllers: [GreetHandler] })
  class NatsAppModule {}
  return { module: NatsAppModule, options, subject };
}

/** A TCP hop in front of NATS that a test can cut, to take the service's NATS connection down for real. */
async function natsProxy(port = 0): Promise<{ url: string; port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(natsPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        socket.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `nats://127.0.0.1:${bound}`,
    port: bound,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('bootstrapService', () => {
  const env = { ...process.env };
  let running: RunningService | undefined;
  let client: ClientProxy | undefined;

  beforeEach(() => {
    process.env.LOG_LEVEL = 'warn';
    process.env.MESHWAY_REGISTER = 'false'; // registration is specified in test/e2e against a real registry
    delete process.env.PORT;
  });

  afterEach(async () => {
    await client?.close();
    await running?.close();
    client = undefined;
    running = undefined;
    process.env = { ...env };
  });

  const health = async () => {
    const response = await fetch(`${running?.url ?? ''}/health`);
    return { status: response.status, body: await response.json() };
  };

  it('starts an HTTP service on a free port (PORT 0), answers even a malformed URL in the error shape, and closes, signal handlers and all', async () => {
    const sigterms = process.listenerCount('SIGTERM');
    @Module({ imports: [MeshwayServiceModule.forRoot({ name: 'plain', version: '2.0.0', transport: 'http' })] })
    class HttpAppModule {}
    running = await bootstrapService(HttpAppModule, { name: 'plain', version: '2.0.0', transport: 'http' });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect(running.port).toBeGreaterThan(0);
    expect(await health()).toMatchObject({ status: 200, body: { service: 'plain', ready: true } });
    const info = await fetch(`${running.url}/info`);
    const { instance } = (await info.json()) as { instance: string };
    expect(instance).toMatch(new RegExp(`^plain-127\\.0\\.0\\.1-${running.port}-[0-9a-f]{4}$`));
    expect(info.headers.get('x-meshway-instance')).toBe(instance);
    const badUrl = await fetch(`${running.url}/users/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('not a valid url') } });
    expect(process.listenerCount('SIGTERM')).toBe(sigterms + 1);
    await running.close();
    await running.close();
    expect(process.listenerCount('SIGTERM')).toBe(sigterms);
  });

  it('listens on PORT and HOST from the environment', async () => {
    const port = await freePort();
    process.env.PORT = String(port);
    @Module({ imports: [MeshwayServiceModule.forRoot({ name: 'plain', version: '2.0.0', transport: 'http' })] })
    class HttpAppModule {}
    running = await bootstrapService(HttpAppModule, { name: 'plain', version: '2.0.0', transport: 'http' });
    expect(running.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('serves @MessagePattern handlers over NATS in a queue group, and reports NATS in /health', async () => {
    const service = natsService();
    running = await bootstrapService(service.module, service.options);
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    const send = (data: unknown) => firstValueFrom(client!.send<HttpReplyEnvelope>(service.subject, data).pipe(timeout(5_000)));
    const envelope = (body: unknown): HttpRequestEnvelope => ({ method: 'POST', path: '/', params: {}, query: {}, headers: {}, body });

    expect(await send(envelope({ who: 'ada' }))).toEqual({ status: 200, body: { hello: 'ada' } });
    expect(await send(envelope({ who: '' }))).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'who' }] } } });
    expect(await send('not an envelope')).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await health()).toMatchObject({ status: 200, body: { ready: true, checks: { nats: { status: 'up' } } } });
  });

  it.each([
    ['MESHWAY_TRANSPORT=http', 'http'],
    ['MESHWAY_TRANSPORT=auto and NATS not answering', 'auto'],
  ])('%s: a NATS service starts without NATS and serves its handlers over HTTP', async (_case, mode) => {
    process.env.NATS_URL = `nats://127.0.0.1:${await freePort()}`;
    process.env.MESHWAY_TRANSPORT = mode;
    const service = natsService();
    running = await bootstrapService(service.module, service.options);
    const url = running.url;
    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const greeted = await post(`/api/${service.options.name}`, JSON.stringify({ who: 'ada' }));
    expect({ status: greeted.status, body: await greeted.json() }).toEqual({ status: 200, body: { hello: 'ada' } });
    const invalid = await post(`/api/${service.options.name}`, JSON.stringify({ who: '' }));
    expect({ status: invalid.status, body: await invalid.json() }).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'who' }] } } });
    const packet = { pattern: service.subject, data: { method: 'POST', path: '/', body: { who: 'grace' } }, id: 'p-1' };
    expect(await (await post(`/_meshway/rpc/${service.subject}`, JSON.stringify(packet))).json()).toEqual({ id: 'p-1', response: { status: 200, body: { hello: 'grace' } }, isDisposed: true });

    expect(await (await fetch(`${url}/info`)).json()).toMatchObject({ service: service.options.name, transport: 'http' });
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', service: service.options.name, live: true, ready: true, checks: {} } });
  });

  it('reports 503 while the NATS connection is down, and ready again once it is back', async () => {
    const proxy = await natsProxy();
    process.env.NATS_URL = proxy.url;
    const service = natsService();
    running = await bootstrapService(service.module, service.options);
    expect((await health()).status).toBe(200);

    await proxy.cut();
    const down = await waitFor(async () => {
      const h = await health();
      return h.status === 503 ? h : undefined;
    }, { timeoutMs: 10_000, message: 'health never turned 503 after NATS went away' });
    expect(down.body).toMatchObject({ status: 'error', ready: false, checks: { nats: { status: 'down' } } });

    const again = await natsProxy(proxy.port);
    try {
      await waitFor(async () => (await health()).status === 200, { timeoutMs: 10_000, message: 'health never recovered after NATS came back' });
    } finally {
      await running.close();
      await again.cut();
    }
  });

  it('MESHWAY_TRANSPORT=nats: fails clearly, with nothing left running, when NATS does not answer', async () => {
    process.env.NATS_URL = `nats://127.0.0.1:${await freePort()}`;
    process.env.MESHWAY_TRANSPORT = 'nats';
    const service = natsService();
    const booting = bootstrapService(service.module, service.options);
    await expect(booting).rejects.toMatchObject({ code: 'MESHWAY_SERVICE_NATS_UNAVAILABLE' });
    await expect(booting).rejects.toThrow(`${service.options.name} could not connect to NATS at ${process.env.NATS_URL}`);
  });

  it('fails with the config error when the environment is bad', async () => {
    process.env.PORT = 'abc';
    const service = natsService();
    await expect(bootstrapService(service.module, service.options)).rejects.toThrow('PORT="abc"');
  });

  it('refuses options that differ from the module\'s', async () => {
    const service = natsService();
    await expect(bootstrapService(service.module, { ...service.options, name: 'other' })).rejects.toMatchObject({ code: 'MESHWAY_SERVICE_INVALID_OPTIONS' });
  });

  it('refuses a module without MeshwayServiceModule', async () => {
    @Module({})
    class BareModule {}
    await expect(bootstrapService(BareModule, { name: 'bare', version: '1.0.0', transport: 'http' })).rejects.toMatchObject({ code: 'MESHWAY_SERVICE_MODULE_MISSING' });
  });
});
