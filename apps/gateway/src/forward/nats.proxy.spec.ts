import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module, type INestMicroservice, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { FakeClock } from '@meshway/testing';
import { reply, type HttpRequestEnvelope } from '@meshway/transport';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';

const NATS_URL = 'nats://127.0.0.1:4222';
// Unique subjects: several suites (and other helpers' tests) share one NATS server.
const id = randomUUID().slice(0, 8);
const subject = (name: string): string => `gwtest.${id}.${name}`;
const hung: string[] = [];

@Controller()
class OrdersController {
  @MessagePattern(subject('get'))
  get(@Payload() request: HttpRequestEnvelope): unknown {
    return reply(200, { seen: request });
  }

  @MessagePattern(subject('create'))
  create(@Payload() request: HttpRequestEnvelope): unknown {
    return reply(201, { created: request.body, encoding: request.bodyEncoding ?? null }, { location: '/api/orders/1', 'keep-alive': 'timeout=99', 'transfer-encoding': 'chunked' });
  }

  @MessagePattern(subject('plain'))
  plain(): unknown {
    return { plain: true };
  }

  @MessagePattern(subject('missing'))
  missing(): unknown {
    throw new RpcException({ status: 404, message: 'order 9 does not exist' });
  }

  @MessagePattern(subject('broken'))
  broken(): unknown {
    throw new RpcException('database down');
  }

  @MessagePattern(subject('hang'))
  hang(@Payload() request: HttpRequestEnvelope): Promise<unknown> {
    hung.push(request.path);
    return new Promise(() => undefined);
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

describe('gateway → NATS upstream (a real Nest microservice)', () => {
  let service: INestMicroservice;
  let gateway: RunningGateway;
  const clock = new FakeClock();

  beforeAll(async () => {
    // Nest declares its options as a class; Readonly<> says only the literal's fields matter.
    const options: Readonly<MicroserviceOptions & NestApplicationOptions> = { transport: Transport.NATS, options: { servers: [NATS_URL], queue: 'orders' }, logger: false };
    service = await NestFactory.createMicroservice<MicroserviceOptions>(OrdersModule, options);
    await service.listen();
    const routes = [`GET /api/orders/:id ${subject('get')}`, `POST /api/orders ${subject('create')}`, `GET /api/plain ${subject('plain')}`,
      `GET /api/missing ${subject('missing')}`, `GET /api/broken ${subject('broken')}`, `GET /api/hang ${subject('hang')}`].join(';');
    const discovery = new StaticDiscovery([
      { service: 'orders', address: '127.0.0.1', port: 1, meta: { 'meshway-transport': 'nats', 'meshway-routes': routes, 'meshway-strip-prefix': '/api' } },
    ]);
    gateway = await startGateway({
      discovery,
      clock,
      port: 0,
      adminPort: 0,
      nats: { servers: NATS_URL },
      // These specs read how one NATS exchange maps to HTTP; retries (and their backoff on the fake clock) have their own.
      defaults: { resilience: { retries: false } },
      routes: [{ path: '/nobody', service: 'orders', subject: subject('nobody-listens'), timeoutMs: 2_000 }],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await service.close();
  });

  it('sends method, path, params, query, headers and no body as the envelope', async () => {
    const res = await send(`${gateway.url}/api/orders/42?expand=lines&expand=customer&x=1`, { headers: { 'x-request-id': 'n-1', 'x-tenant': 't1' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('n-1');
    const { seen } = res.json<{ seen: HttpRequestEnvelope }>();
    expect(seen).toMatchObject({ method: 'GET', path: '/orders/42', params: { id: '42' }, query: { expand: ['lines', 'customer'], x: '1' }, body: null });
    expect(seen.headers).toMatchObject({ 'x-tenant': 't1', 'x-request-id': 'n-1' });
  });

  it('parses a JSON body and turns the reply envelope into status, headers and body', async () => {
    const res = await send(`${gateway.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A1","qty":2}' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/orders/1');
    expect(res.headers['keep-alive']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.json()).toEqual({ created: { sku: 'A1', qty: 2 }, encoding: 'json' });
  });

  it('sends a non-JSON body as base64', async () => {
    const res = await send(`${gateway.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.json()).toEqual({ created: Buffer.from('hello').toString('base64'), encoding: 'base64' });
  });

  it('answers 400 MESHWAY_BAD_REQUEST for invalid JSON, without calling the service', async () => {
    const res = await send(`${gateway.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_BAD_REQUEST' } });
  });

  it('sends any other return value as a 200 JSON body', async () => {
    const res = await send(`${gateway.url}/api/plain`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ plain: true });
  });

  it('keeps the status a handler error carries, else answers 502 MESHWAY_UPSTREAM_ERROR', async () => {
    const missing = await send(`${gateway.url}/api/missing`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'MESHWAY_UPSTREAM_ERROR', message: 'orders: order 9 does not exist' } });
    const broken = await send(`${gateway.url}/api/broken`);
    expect(broken.status).toBe(502);
    expect(broken.json()).toMatchObject({ error: { code: 'MESHWAY_UPSTREAM_ERROR', message: 'orders: database down' } });
  });

  it('answers 502 MESHWAY_UPSTREAM_UNAVAILABLE when nobody listens on the subject', async () => {
    const res = await send(`${gateway.url}/nobody`);
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_UPSTREAM_UNAVAILABLE' } });
  });

  it('answers 504 MESHWAY_UPSTREAM_TIMEOUT when the handler misses the deadline', async () => {
    const pending = send(`${gateway.url}/api/hang`, { headers: { 'x-request-timeout': '300' } });
    const deadline = Date.now() + 5_000;
    while (hung.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(hung).toEqual(['/hang']);
    await clock.advance(300);
    const res = await pending;
    expect(res.status).toBe(504);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_UPSTREAM_TIMEOUT' } });
  });
});

describe('gateway without NATS', () => {
  it('answers 503 MESHWAY_NATS_UNAVAILABLE on a NATS route', async () => {
    const discovery = new StaticDiscovery([{ service: 'orders', address: '127.0.0.1', port: 1, meta: { 'meshway-transport': 'nats' } }]);
    const gateway = await startGateway({ discovery, port: 0, adminPort: 0, routes: [{ path: '/orders', service: 'orders', subject: 'orders.list' }] });
    try {
      const res = await send(`${gateway.url}/orders`);
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_NATS_UNAVAILABLE' } });
    } finally {
      await gateway.close();
    }
  });
});
