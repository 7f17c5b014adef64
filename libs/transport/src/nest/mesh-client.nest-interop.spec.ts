import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, NatsContext, Payload, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { StaticDiscovery } from '@meshway/discovery';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../http-envelope.js';
import { MeshClient } from '../mesh-client.js';

// MeshClient against a real Nest microservice (Transport.NATS, queue group): proof that the wire
// format in nest-nats.codec.ts is Nest's own. Patterns are unique per run.
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const P = `meshway-test.${randomUUID()}`;

@Controller()
class OrdersController {
  @MessagePattern(`${P}.orders.create`)
  create(@Payload() data: { item: string }) {
    return reply(201, { id: 9, item: data.item }, { location: '/orders/9' });
  }

  @MessagePattern(`${P}.orders.get`)
  async get(@Payload() data: { id: number }) {
    await Promise.resolve();
    return { id: data.id, total: 12.5 };
  }

  @MessagePattern(`${P}.orders.missing`)
  missing(): never {
    throw new RpcException({ status: 404, message: 'Order not found' });
  }

  @MessagePattern(`${P}.orders.broken`)
  broken(): never {
    throw new RpcException('database down');
  }

  @MessagePattern(`${P}.orders.crash`)
  crash(): never {
    throw new Error('secret stack detail');
  }

  @MessagePattern(`${P}.orders.headers`)
  headers(@Ctx() context: NatsContext) {
    const h = context.getHeaders() as MsgHdrs;
    return { requestId: h.get('x-request-id'), traceparent: h.get('traceparent'), budget: h.get('x-request-timeout') };
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

let service: INestMicroservice;
let mesh: MeshClient;

beforeAll(async () => {
  // Nest declares its options as classes; Readonly<> says only the literal's fields matter.
  const options: Readonly<NonNullable<Parameters<typeof NestFactory.createMicroservice<MicroserviceOptions>>[1]>> = {
    transport: Transport.NATS,
    options: { servers: [NATS_URL], queue: 'orders' },
    logger: false,
  };
  service = await NestFactory.createMicroservice<MicroserviceOptions>(OrdersModule, options);
  await service.listen();
  await service.unwrap<NatsConnection>().flush();
  const discovery = new StaticDiscovery([{ service: 'orders', address: '127.0.0.1', port: 4100, meta: { 'meshway-transport': 'nats' } }]);
  mesh = new MeshClient({ discovery, nats: { servers: [NATS_URL] } });
});

afterAll(async () => {
  await mesh.close();
  await service.close();
});

describe('MeshClient ↔ a real Nest NATS microservice', () => {
  it('turns an HttpReplyEnvelope reply into status, headers and body', async () => {
    expect(await mesh.call('orders', `${P}.orders.create`, { item: 'tea' })).toMatchObject({
      status: 201,
      headers: { location: '/orders/9' },
      body: { id: 9, item: 'tea' },
    });
  });

  it('returns a plain reply as a 200 body', async () => {
    expect(await mesh.call('orders', `${P}.orders.get`, { id: 3 })).toMatchObject({ status: 200, body: { id: 3, total: 12.5 } });
  });

  it('carries request id, traceparent and budget to the handler as NATS headers', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { body } = await mesh.call<{ budget: string }>('orders', `${P}.orders.headers`, null, { requestId: 'r-1', traceparent, timeoutMs: 900 });
    expect(body).toMatchObject({ requestId: 'r-1', traceparent, budget: expect.stringMatching(/^\d+$/) });
    expect(Number(body.budget)).toBeGreaterThan(0);
    expect(Number(body.budget)).toBeLessThanOrEqual(900);
  });

  it('throws MESHWAY_UPSTREAM_ERROR with status 404 for RpcException({ status: 404 })', async () => {
    await expect(mesh.call('orders', `${P}.orders.missing`, { id: 1 })).rejects.toMatchObject({
      code: 'MESHWAY_UPSTREAM_ERROR',
      status: 404,
      message: expect.stringContaining('Order not found'),
    });
  });

  it('throws MESHWAY_UPSTREAM_ERROR without a status for RpcException("text") and for a crash', async () => {
    const broken = mesh.call('orders', `${P}.orders.broken`);
    await expect(broken).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_ERROR', status: undefined, message: expect.stringContaining('database down') });
    const crash = mesh.call('orders', `${P}.orders.crash`);
    await expect(crash).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_ERROR', message: expect.stringContaining('Internal server error') });
    await expect(crash).rejects.not.toMatchObject({ message: expect.stringContaining('secret') });
  });

  it('throws MESHWAY_UPSTREAM_UNAVAILABLE for a pattern the service does not handle (no responders)', async () => {
    await expect(mesh.call('orders', `${P}.orders.unknown`)).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_UNAVAILABLE' });
  });
});
