import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload, Transport, type NatsOptions } from '@nestjs/microservices';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture, startNestApp, type StartedNestApp } from '@meshway/testing';
import { LoggingModule, PinoLogger } from './index.js';

const NATS_URL = 'nats://127.0.0.1:4222';
// Unique per run: the NATS server is shared with other suites.
const SUBJECT = `meshway.spec.logging.${randomUUID()}`;

@Controller()
class EchoHandler {
  constructor(private readonly log: PinoLogger) {}

  @MessagePattern(SUBJECT)
  async echo(@Payload() data: { n: number }): Promise<{ n: number }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.log.info({ n: data.n }, 'handling echo');
    return data;
  }
}

const capture = new LogCapture();

@Module({ imports: [LoggingModule.forRoot({ service: 'echo', destination: capture, level: 'info', pretty: false })], controllers: [EchoHandler] })
class EchoModule {}

let started: StartedNestApp;
let nc: NatsConnection;

beforeAll(async () => {
  started = await startNestApp(EchoModule, {
    configure: async (app) => {
      app.connectMicroservice<NatsOptions>({ transport: Transport.NATS, options: { servers: [NATS_URL] } }, { inheritAppConfig: true });
      await app.startAllMicroservices();
    },
  });
  nc = await connect({ servers: NATS_URL });
});

afterAll(async () => {
  await nc.close();
  await started.close();
});

async function request(n: number, set: Record<string, string>): Promise<unknown> {
  const h = headers();
  for (const [key, value] of Object.entries(set)) h.set(key, value);
  const reply = await nc.request(SUBJECT, JSON.stringify({ pattern: SUBJECT, data: { n }, id: String(n) }), { headers: h, timeout: 5_000 });
  return (JSON.parse(reply.string()) as { response: unknown }).response;
}

describe('LoggingModule for NATS message handlers', () => {
  it('tags every line of a message with its x-request-id and traceparent headers', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(await request(7, { 'x-request-id': 'nats-1', traceparent })).toEqual({ n: 7 });
    const lines = capture.where('requestId', 'nats-1');
    expect(lines.map((l) => l['msg'])).toEqual(['handling echo', 'message completed']);
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'echo', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    }
  });

  it('gives a message without a request id a UUID', async () => {
    await request(8, {});
    const handled = capture.lines().find((l) => l['msg'] === 'handling echo' && l['n'] === 8);
    expect(handled?.['requestId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(handled).not.toHaveProperty('traceId');
  });
});
