import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { CanActivate, Controller, Injectable, Module, UseGuards, type DynamicModule, type NestApplicationOptions, type Type } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, NatsContext, Payload, RpcException, Transport, type NatsOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { decodeNestReply, encodeNestRequest, reply, type HttpRequestEnvelope } from '@meshway/transport';
import { from, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './api-error.js';
import { ApiErrorFilter } from './api-error.filter.js';
import { HttpEnvelopePipe } from './http-envelope.pipe.js';
import type { HttpRpcServerOptions } from './http-rpc.options.js';
import { HttpRpcServer } from './http-rpc.server.js';
import { parseInput } from './input.parser.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
// Nest declares its options as a class; Readonly<> says only the literal's fields matter.
const QUIET: Readonly<NestApplicationOptions> = { logger: false, abortOnError: false };
/** Patterns unique to this run: other suites use NATS at the same time. */
const P = `shop-${randomBytes(3).toString('hex')}`;

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** What a handler saw: the envelope, and the context NATS (or HTTP standing in for it) gave it. */
function seen(envelope: unknown, context: NatsContext) {
  const headers = context.getHeaders() as MsgHdrs;
  return { envelope, subject: context.getSubject(), requestId: headers.get('x-request-id'), traceparent: headers.get('traceparent'), timeout: headers.get('x-request-timeout') };
}

@Controller()
class ShopHandler {
  @MessagePattern(`${P}.echo`)
  echo(@Payload() envelope: unknown, @Ctx() context: NatsContext) {
    return reply(200, seen(envelope, context));
  }

  @MessagePattern(`${P}.created`)
  created() {
    return reply(201, { id: 1 }, { Location: '/things/1', connection: 'close', 'transfer-encoding': 'chunked' });
  }

  @MessagePattern(`${P}.plain`)
  plain(@Payload() data: unknown) {
    return { plain: true, data };
  }

  @MessagePattern(`${P}.nothing`)
  nothing(): undefined {
    return undefined;
  }

  @MessagePattern(`${P}.text`)
  text() {
    return reply(200, 'hello', { 'content-type': 'text/plain; charset=utf-8' });
  }

  @MessagePattern(`${P}.stream`)
  stream(): Observable<number> {
    return from([1, 2, 3]);
  }

  @MessagePattern(`${P}.missing`)
  missing(): never {
    throw new RpcException({ status: 404, message: 'no such thing' });
  }

  @MessagePattern(`${P}.broken`)
  broken(): never {
    throw new RpcException('database down');
  }

  @MessagePattern(`${P}.crash`)
  crash(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'secret')");
  }

  @MessagePattern(`${P}.conflict`)
  conflict(): never {
    throw new ApiError(409, 'THING_EXISTS', 'The thing exists');
  }

  @MessagePattern(`${P}.validated`)
  validated(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope) {
    return reply(200, parseInput(z.object({ who: z.string().min(1) }), request.body));
  }

  @MessagePattern(`${P}.guarded`)
  @UseGuards(DenyGuard)
  guarded() {
    return 'never';
  }

  @EventPattern(`${P}.happened`)
  happened(@Payload() _data: unknown): void {
    // an event: nothing to answer
  }
}

const routes = [
  { methods: ['GET', 'POST'], path: '/api/shop/items/:id', subject: `${P}.echo` },
  { methods: ['GET'], path: '/api/shop/files/*', subject: `${P}.echo` },
  { methods: ['POST'], path: '/api/shop/created', subject: `${P}.created` },
  { methods: ['GET'], path: '/api/shop/plain', subject: `${P}.plain` },
  { methods: ['DELETE'], path: '/api/shop/nothing', subject: `${P}.nothing` },
  { methods: ['GET'], path: '/api/shop/text', subject: `${P}.text` },
  { methods: ['GET'], path: '/api/shop/stream', subject: `${P}.stream` },
  { methods: ['GET'], path: '/api/shop/missing', subject: `${P}.missing` },
  { methods: ['GET'], path: '/api/shop/broken', subject: `${P}.broken` },
  { methods: ['GET'], path: '/api/shop/crash', subject: `${P}.crash` },
  { methods: ['POST'], path: '/api/shop/conflict', subject: `${P}.conflict` },
  { methods: ['POST'], path: '/api/shop/validated', subject: `${P}.validated` },
  { methods: ['GET'], path: '/api/shop/guarded', subject: `${P}.guarded` },
  { methods: [], path: '/api/health-like' }, // no subject: left to the app's own controllers
] as const satisfies HttpRpcServerOptions['routes'];

interface Started {
  app: NestFastifyApplication;
  url: string;
}

/** The tiny app on Fastify, its handlers served over HTTP by the strategy (and over real NATS too, with `nats`). */
async function start(module: Type | DynamicModule, options: { nats?: boolean; bodyLimitBytes?: number } = {}): Promise<Started> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), QUIET);
  const fastify = app.getHttpAdapter().getInstance();
  const strategy = new HttpRpcServer({ fastify, service: 'shop', routes, stripPrefix: '/api', ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }) });
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  if (options.nats === true) app.connectMicroservice<NatsOptions>({ transport: Transport.NATS, options: { servers: [NATS_URL] } }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')) };
}

@Module({ controllers: [ShopHandler], providers: [DenyGuard] })
class PlainModule {}

/** The same handlers with the service lib's error filter, as every Meshway service has it. */
@Module({ controllers: [ShopHandler], providers: [DenyGuard, { provide: APP_FILTER, useClass: ApiErrorFilter }] })
class FilteredModule {}

async function answer(response: Response): Promise<{ status: number; body: unknown }> {
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('HttpRpcServer: announced routes (a real Nest app on Fastify, port 0)', () => {
  let plain: Started;
  let filtered: Started;

  beforeAll(async () => {
    [plain, filtered] = await Promise.all([start(PlainModule), start(FilteredModule)]);
  });

  afterAll(async () => {
    await Promise.all([plain.app.close(), filtered.app.close()]);
  });

  it('hands the handler the envelope the gateway would send: method, stripped path, params, query, lower-case headers, JSON body', async () => {
    const response = await fetch(`${plain.url}/shop/items/42?tag=a&tag=b&q=%C3%A9t%C3%A9&__proto__=x`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Custom': 'one',
        'x-request-id': 'req-7',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-request-timeout': '2500',
        'x-meshway-consumer': 'forged',
      },
      body: JSON.stringify({ name: 'book', qty: 2 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-7');
    const body = (await response.json()) as ReturnType<typeof seen> & { envelope: HttpRequestEnvelope };
    expect(body).toMatchObject({ subject: `${P}.echo`, requestId: 'req-7', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', timeout: '2500' });
    const { envelope } = body;
    expect(envelope).toMatchObject({ method: 'POST', path: '/shop/items/42', params: { id: '42' }, body: { name: 'book', qty: 2 }, bodyEncoding: 'json' });
    expect(envelope.query).toEqual({ tag: ['a', 'b'], q: 'été', ['__proto__']: 'x' });
    expect(envelope.headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'one', 'x-request-id': 'req-7', 'x-forwarded-host': expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    for (const gone of ['host', 'connection', 'x-meshway-consumer', 'x-request-timeout']) expect(envelope.headers).not.toHaveProperty(gone);
  });

  it('sends a body without a JSON content type as base64, no body as null, and matches a final * (and its base path)', async () => {
    const csv = await (await fetch(`${plain.url}/shop/items/1`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2' })).json();
    expect(csv.envelope).toMatchObject({ body: Buffer.from('a,b\n1,2').toString('base64'), bodyEncoding: 'base64' });
    const file = await (await fetch(`${plain.url}/shop/files/a/b.txt`)).json();
    expect(file.envelope).toMatchObject({ method: 'GET', path: '/shop/files/a/b.txt', params: { '*': 'a/b.txt' }, body: null });
    expect((await fetch(`${plain.url}/shop/files`)).status).toBe(200);
  });

  it('answers as the gateway answers the same reply over NATS: envelope status and headers, a value as 200 JSON, nothing as 204, a stream by its first value', async () => {
    const created = await fetch(`${plain.url}/shop/created`, { method: 'POST' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/things/1');
    expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(created.headers.get('connection')).not.toBe('close'); // hop-by-hop headers of a reply are not passed on
    expect(await created.json()).toEqual({ id: 1 });
    expect(await answer(await fetch(`${plain.url}/shop/plain`))).toEqual({ status: 200, body: { plain: true, data: expect.objectContaining({ method: 'GET', path: '/shop/plain' }) } });
    const nothing = await fetch(`${plain.url}/shop/nothing`, { method: 'DELETE' });
    expect({ status: nothing.status, body: await nothing.text(), type: nothing.headers.get('content-type') }).toEqual({ status: 204, body: '', type: null });
    const text = await fetch(`${plain.url}/shop/text`);
    expect({ type: text.headers.get('content-type'), body: await text.text() }).toEqual({ type: 'text/plain; charset=utf-8', body: 'hello' });
    expect(await answer(await fetch(`${plain.url}/shop/stream`))).toEqual({ status: 200, body: 1 });
  });

  it('keeps the status an RpcException carries; any other error is 502 MESHWAY_UPSTREAM_ERROR — with Nest\'s own RPC filter', async () => {
    expect(await answer(await fetch(`${plain.url}/shop/missing`, { headers: { 'x-request-id': 'r-1' } }))).toEqual({
      status: 404,
      body: { error: { code: 'MESHWAY_UPSTREAM_ERROR', message: `shop on "${P}.missing": no such thing`, requestId: 'r-1' } },
    });
    for (const [path, message] of [['broken', 'database down'], ['crash', 'Internal server error'], ['guarded', 'Forbidden resource']]) {
      expect(await answer(await fetch(`${plain.url}/shop/${path ?? ''}`))).toMatchObject({ status: 502, body: { error: { code: 'MESHWAY_UPSTREAM_ERROR', message: `shop on "${P}.${path ?? ''}": ${message ?? ''}` } } });
    }
  });

  it('with the service lib\'s ApiErrorFilter: ApiError and validation errors keep their status and body, RpcException its status, crashes are 500', async () => {
    expect(await answer(await fetch(`${filtered.url}/shop/conflict`, { method: 'POST', headers: { 'x-request-id': 'r-2' } }))).toEqual({
      status: 409,
      body: { error: { code: 'THING_EXISTS', message: 'The thing exists', requestId: 'r-2' } },
    });
    const invalid = await fetch(`${filtered.url}/shop/validated`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"who":""}' });
    expect(await answer(invalid)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'who' }] } } });
    expect(await answer(await fetch(`${filtered.url}/shop/missing`))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such thing' } } });
    expect(await answer(await fetch(`${filtered.url}/shop/crash`))).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } } });
  });

  it('answers malformed JSON with 400 BAD_REQUEST, and an unannounced method or path with 404, in the error shape', async () => {
    const bad = await fetch(`${plain.url}/shop/items/1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'r-3' }, body: '{"name":' });
    expect(await answer(bad)).toEqual({ status: 400, body: { error: { code: 'BAD_REQUEST', message: expect.stringContaining('The request body is not valid JSON'), requestId: 'r-3' } } });
    expect((await fetch(`${plain.url}/shop/created`)).status).toBe(404);
    expect((await fetch(`${plain.url}/api/shop/created`, { method: 'POST' })).status).toBe(404);
  });
});

describe('HttpRpcServer: POST /_meshway/rpc/:pattern (Nest NATS packets over HTTP)', () => {
  let both: Started;
  let nats: NatsConnection;

  beforeAll(async () => {
    both = await start(FilteredModule, { nats: true });
    nats = await connect({ servers: [NATS_URL] });
  });

  afterAll(async () => {
    await nats.close();
    await both.app.close();
  });

  const rpc = (pattern: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${both.url}/_meshway/rpc/${encodeURIComponent(pattern)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  // HTTP answers once: with the first packet, as the last one (a stream's first NATS packet is not `isDisposed`).
  it.each([
    ['a reply envelope', 'created', undefined],
    ['a plain value', 'plain', { x: [1, 2] }],
    ['nothing', 'nothing', undefined],
    ['the first value of a stream', 'stream', undefined],
    ['an ApiError through the filter', 'conflict', undefined],
    ['a validation error', 'validated', { method: 'POST', path: '/', body: { who: '' } }],
    ['an RpcException with a status', 'missing', undefined],
    ['a guard that says no', 'guarded', undefined],
  ])('answers %s with exactly the reply packet NATS carries', async (_case, name, data) => {
    const pattern = `${P}.${name}`;
    const id = randomUUID();
    const overHttp = await rpc(pattern, new TextDecoder().decode(encodeNestRequest(pattern, data, id)), { 'x-request-id': id });
    expect(overHttp.status).toBe(200);
    const httpPacket = decodeNestReply(new Uint8Array(await overHttp.arrayBuffer()));
    const headers = natsHeaders();
    headers.set('x-request-id', id);
    const overNats = decodeNestReply((await nats.request(pattern, encodeNestRequest(pattern, data, id), { timeout: 5_000, headers })).data);
    expect(httpPacket).toEqual({ ...overNats, isDisposed: true });
    expect(httpPacket).toMatchObject({ id, isDisposed: true });
  });

  it('gives the handler the mesh headers as its NatsContext headers, and echoes a numeric id', async () => {
    const response = await rpc(`${P}.echo`, JSON.stringify({ pattern: `${P}.echo`, data: { a: 1 }, id: 7 }), { 'x-request-id': 'r-9', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-request-timeout': '900' });
    expect(await response.json()).toEqual({
      id: 7,
      response: { status: 200, body: { envelope: { a: 1 }, subject: `${P}.echo`, requestId: 'r-9', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', timeout: '900' } },
      isDisposed: true,
    });
  });

  it.each([
    ['an unknown pattern', `${P}.nope`, undefined, {}, 404, 'UNKNOWN_PATTERN'],
    ['a pattern with only an event handler', `${P}.happened`, undefined, {}, 404, 'UNKNOWN_PATTERN'],
    ['a pattern with a space', 'orders get', undefined, {}, 400, 'BAD_REQUEST'],
    ['a wildcard pattern', 'orders.*', undefined, {}, 400, 'BAD_REQUEST'],
    ['a full wildcard', '>', undefined, {}, 400, 'BAD_REQUEST'],
    ['an empty token', 'orders..get', undefined, {}, 400, 'BAD_REQUEST'],
    ['a control character', 'orders.\u0001', undefined, {}, 400, 'BAD_REQUEST'],
    ['malformed JSON', `${P}.plain`, '{"pattern":', {}, 400, 'BAD_REQUEST'],
    ['JSON that is not a packet', `${P}.plain`, '[1,2]', {}, 400, 'BAD_REQUEST'],
    ['a packet for another pattern', `${P}.plain`, JSON.stringify({ pattern: `${P}.crash`, data: 1, id: '1' }), {}, 400, 'BAD_REQUEST'],
    ['an event packet (no id)', `${P}.plain`, JSON.stringify({ pattern: `${P}.plain`, data: 1 }), {}, 400, 'BAD_REQUEST'],
    ['a body that is not JSON at all', `${P}.plain`, 'pattern=x', { 'content-type': 'text/plain' }, 415, 'REQUEST_REJECTED'],
  ])('refuses %s in the error shape', async (_case, pattern, body, headers, status, code) => {
    const response = await rpc(pattern, body ?? JSON.stringify({ pattern, data: null, id: '1' }), { 'x-request-id': 'r-5', ...headers });
    expect(await answer(response)).toEqual({ status, body: { error: { code, message: expect.any(String), requestId: 'r-5' } } });
  });

  it('takes only POST', async () => {
    expect((await fetch(`${both.url}/_meshway/rpc/${P}.plain`)).status).toBe(404);
  });
});

describe('HttpRpcServer: limits and boot checks', () => {
  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE, on routes and /_meshway/rpc alike', async () => {
    const small = await start(PlainModule, { bodyLimitBytes: 64 });
    try {
      const big = JSON.stringify({ filler: 'x'.repeat(100) });
      const route = await fetch(`${small.url}/shop/items/1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(await answer(route)).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      const rpc = await fetch(`${small.url}/_meshway/rpc/${P}.plain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(await answer(rpc)).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    } finally {
      await small.app.close();
    }
  });

  it('fails at boot when an announced subject has no handler', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(PlainModule, new FastifyAdapter(), QUIET);
    try {
      const fastify = app.getHttpAdapter().getInstance();
      app.connectMicroservice({ strategy: new HttpRpcServer({ fastify, service: 'shop', routes: [{ methods: ['GET'], path: '/x', subject: `${P}.typo` }] }) });
      await expect(app.startAllMicroservices()).rejects.toMatchObject({ code: 'MESHWAY_SERVICE_INVALID_OPTIONS', message: expect.stringContaining(`${P}.typo, which no @MessagePattern handler answers`) });
    } finally {
      await app.close();
    }
  });

  it('refuses a body limit that is not a positive integer', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(PlainModule, new FastifyAdapter(), QUIET);
    try {
      expect(() => new HttpRpcServer({ fastify: app.getHttpAdapter().getInstance(), service: 'shop', bodyLimitBytes: 0 })).toThrow(expect.objectContaining({ code: 'MESHWAY_SERVICE_INVALID_OPTIONS' }));
    } finally {
      await app.close();
    }
  });
});
