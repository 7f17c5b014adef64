import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Catch, Controller, Get, Module, UseInterceptors, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MessagePattern, Transport, type NatsOptions } from '@nestjs/microservices';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { FakeClock, startNestApp, type StartedNestApp } from '@meshway/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Deadline } from '../deadline.js';
import { currentDeadline } from '../deadline.context.js';
import { ResilienceError } from '../resilience.errors.js';
import { ResiliencePolicy } from '../resilience.policy.js';
import { DeadlineInterceptor } from './deadline.interceptor.js';
import { RequestDeadline } from './request-deadline.decorator.js';
import { ResilienceModule } from './resilience.module.js';

// Time stands still on this clock, so what a handler sees is exactly what its caller sent.
const clock = new FakeClock();
const NATS = 'nats://127.0.0.1:4222';
const SUBJECT = `resilience.spec.${randomUUID()}`;

interface Seen {
  param: number | null;
  inherited: number | null;
  /** What an outgoing call made by the handler would get (MeshClient goes through ResiliencePolicy). */
  outgoing: number | null;
}

const outgoing = new ResiliencePolicy({ clock, classify: () => undefined });

async function seen(deadline: Deadline | undefined): Promise<Seen> {
  await new Promise((resolve) => setImmediate(resolve));
  const budget = await outgoing.execute((attempt) => Promise.resolve(attempt.remainingMs));
  return {
    param: deadline?.remaining(clock) ?? null,
    inherited: currentDeadline()?.remaining(clock) ?? null,
    outgoing: Number.isFinite(budget) ? budget : null,
  };
}

@Controller()
class DeadlineController {
  @Get('deadline')
  http(@RequestDeadline() deadline: Deadline | undefined): Promise<Seen> {
    return seen(deadline);
  }

  @MessagePattern(SUBJECT)
  nats(@RequestDeadline() deadline: Deadline | undefined): Promise<Seen> {
    return seen(deadline);
  }
}

@Controller('opted-in')
@UseInterceptors(DeadlineInterceptor)
class OptedInController {
  @Get()
  http(@RequestDeadline() deadline: Deadline | undefined): Promise<Seen> {
    return seen(deadline);
  }
}

/** How a service maps the lib's codes to HTTP (libs never throw HttpException). */
@Catch(ResilienceError)
class ResilienceErrorFilter implements ExceptionFilter {
  catch(error: ResilienceError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): unknown } }>().status(400).send({ code: error.code });
  }
}

const apps: StartedNestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(module: object): Promise<string> {
  const started = await startNestApp(module as never, { logger: false });
  apps.push(started);
  return started.url;
}

async function get(url: string, timeout?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, timeout === undefined ? {} : { headers: { 'x-request-timeout': timeout } });
  return { status: res.status, body: await res.json() };
}

const none: Seen = { param: null, inherited: null, outgoing: null };

describe('ResilienceModule over HTTP (Fastify)', () => {
  it('runs the handler inside the caller\'s x-request-timeout: the parameter, the context and outgoing calls all see it', async () => {
    @Module({ imports: [ResilienceModule.forRoot({ clock })], controllers: [DeadlineController] })
    class AppModule {}
    const url = await start(AppModule);
    expect(await get(`${url}/deadline`, '800')).toEqual({ status: 200, body: { param: 800, inherited: 800, outgoing: 800 } });
  });

  it('gives no deadline to a request without the header, or with one that is not a positive whole number of ms', async () => {
    @Module({ imports: [ResilienceModule.forRoot({ clock })], controllers: [DeadlineController] })
    class AppModule {}
    const url = await start(AppModule);
    expect((await get(`${url}/deadline`)).body).toEqual(none);
    for (const bad of ['soon', '0', '-5', '1.5', '99999999999']) expect((await get(`${url}/deadline`, bad)).body).toEqual(none);
  });

  it('fails a request with a bad header with MESHWAY_INVALID_DEADLINE when told to reject', async () => {
    @Module({
      imports: [ResilienceModule.forRoot({ clock, invalidHeader: 'reject' })],
      controllers: [DeadlineController],
      providers: [{ provide: APP_FILTER, useClass: ResilienceErrorFilter }],
    })
    class AppModule {}
    const url = await start(AppModule);
    expect(await get(`${url}/deadline`, 'soon')).toEqual({ status: 400, body: { code: 'MESHWAY_INVALID_DEADLINE' } });
    expect((await get(`${url}/deadline`, '300')).body).toMatchObject({ param: 300 });
  });

  it('can stay off the global chain, for controllers that opt in with @UseInterceptors(DeadlineInterceptor)', async () => {
    @Module({ imports: [ResilienceModule.forRoot({ clock, globalInterceptor: false })], controllers: [DeadlineController, OptedInController] })
    class AppModule {}
    const url = await start(AppModule);
    expect((await get(`${url}/deadline`, '500')).body).toEqual(none);
    expect((await get(`${url}/opted-in`, '500')).body).toEqual({ param: 500, inherited: 500, outgoing: 500 });
  });

  it('builds its options with forRootAsync', async () => {
    @Module({ imports: [ResilienceModule.forRootAsync({ useFactory: () => ({ clock }) })], controllers: [DeadlineController] })
    class AppModule {}
    const url = await start(AppModule);
    expect((await get(`${url}/deadline`, '42')).body).toMatchObject({ param: 42 });
  });

  it('fails at boot naming a bad option', async () => {
    @Module({ imports: [ResilienceModule.forRoot({ invalidHeader: 'explode' as 'reject' })], controllers: [DeadlineController] })
    class AppModule {}
    await expect(start(AppModule)).rejects.toMatchObject({
      code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS',
      message: expect.stringContaining('ResilienceModule.invalidHeader: got "explode"') as string,
    });
  });
});

describe('ResilienceModule over NATS (a real nats-server)', () => {
  let app: StartedNestApp;
  let nc: NatsConnection;

  beforeAll(async () => {
    @Module({ imports: [ResilienceModule.forRoot({ clock })], controllers: [DeadlineController] })
    class AppModule {}
    app = await startNestApp(AppModule, {
      logger: false,
      configure: async (nest) => {
        nest.connectMicroservice<NatsOptions>({ transport: Transport.NATS, options: { servers: [NATS] } }, { inheritAppConfig: true });
        await nest.startAllMicroservices();
      },
    });
    nc = await connect({ servers: NATS });
  });

  afterAll(async () => {
    await nc.close();
    await app.close();
  });

  async function request(timeout?: string): Promise<Seen> {
    const hdrs = natsHeaders();
    if (timeout !== undefined) hdrs.set('x-request-timeout', timeout);
    const msg = await nc.request(SUBJECT, JSON.stringify({ pattern: SUBJECT, data: {}, id: randomUUID() }), { timeout: 5_000, headers: hdrs });
    return (JSON.parse(new TextDecoder().decode(msg.data)) as { response: Seen }).response;
  }

  it('runs the handler inside the x-request-timeout message header', async () => {
    expect(await request('600')).toEqual({ param: 600, inherited: 600, outgoing: 600 });
  });

  it('gives no deadline to a message without the header, or with a bad one', async () => {
    expect(await request()).toEqual(none);
    expect(await request('later')).toEqual(none);
  });
});
