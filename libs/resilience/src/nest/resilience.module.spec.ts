import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Transport, type NatsOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDeadline, type Deadline } from '../deadline.js';
import { RequestDeadline } from './request-deadline.decorator.js';
import { ResilienceModule } from './resilience.module.js';

const SUBJECT = `resilience.spec.${randomUUID()}`;

/** What a handler sees: the deadline from its parameter, and the one a nested async call inherits. */
async function seen(deadline: Deadline | undefined): Promise<{ param: number | null; inherited: number | null }> {
  await new Promise((resolve) => setImmediate(resolve));
  return { param: deadline?.remainingMs() ?? null, inherited: currentDeadline()?.remainingMs() ?? null };
}

@Controller()
class DeadlineController {
  @Get('deadline')
  http(@RequestDeadline() deadline: Deadline | undefined) {
    return seen(deadline);
  }

  @MessagePattern(SUBJECT)
  nats(@RequestDeadline() deadline: Deadline | undefined) {
    return seen(deadline);
  }
}

@Module({ imports: [ResilienceModule.forRoot()], controllers: [DeadlineController] })
class AppModule {}

describe('ResilienceModule: a handler runs within its caller\'s deadline, over HTTP and NATS', () => {
  let app: NestFastifyApplication;
  let url: string;
  let nc: NatsConnection;

  beforeAll(async () => {
    const nestOptions: Readonly<NestApplicationOptions> = { logger: false };
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), nestOptions);
    app.connectMicroservice<NatsOptions>({ transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:4222'] } }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  });

  afterAll(async () => {
    await nc.close();
    await app.close();
  });

  it('over HTTP: the x-request-timeout budget, counting down; none without the header', async () => {
    const timed = (await (await fetch(`${url}/deadline`, { headers: { 'x-request-timeout': '800' } })).json()) as { param: number; inherited: number };
    expect(timed.param).toBeGreaterThan(700);
    expect(timed.param).toBeLessThanOrEqual(800);
    expect(timed.inherited).toBeLessThanOrEqual(timed.param);
    expect(await (await fetch(`${url}/deadline`)).json()).toEqual({ param: null, inherited: null });
    expect(await (await fetch(`${url}/deadline`, { headers: { 'x-request-timeout': 'soon' } })).json()).toEqual({ param: null, inherited: null });
  });

  it('over NATS: the x-request-timeout message header', async () => {
    const hdrs = natsHeaders();
    hdrs.set('x-request-timeout', '600');
    const msg = await nc.request(SUBJECT, JSON.stringify({ pattern: SUBJECT, data: {}, id: randomUUID() }), { timeout: 5_000, headers: hdrs });
    const reply = JSON.parse(new TextDecoder().decode(msg.data)) as { response: { param: number; inherited: number } };
    expect(reply.response.param).toBeGreaterThan(500);
    expect(reply.response.inherited).toBeGreaterThan(500);
  });
});
