import { request } from 'node:http';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture, startNestApp, waitFor, type StartedNestApp } from '@meshway/testing';
import { Logger, LoggingModule, PinoLogger } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let slowStarted = false;
let releaseSlow: () => void = () => undefined;

@Controller()
class OrdersController {
  constructor(private readonly log: PinoLogger) {
    log.setContext(OrdersController.name);
  }

  @Get('orders')
  list(): { orders: string[] } {
    this.log.info('listing orders');
    return { orders: ['o-1'] };
  }

  @Post('orders')
  async create(@Body() body: { item: string }): Promise<{ created: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.log.info({ item: body.item }, 'creating order');
    return { created: body.item };
  }

  @Get('slow')
  async slow(): Promise<string> {
    slowStarted = true;
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    return 'late';
  }

  @Get('health')
  health(): string {
    return 'ok';
  }

  @Get('boom')
  boom(): never {
    throw new Error('kaboom');
  }
}

function appModule(service: string, destination: LogCapture) {
  @Module({ imports: [LoggingModule.forRoot({ service, destination, level: 'info', pretty: false })], controllers: [OrdersController] })
  class AppModule {}
  return AppModule;
}

const capture = new LogCapture();
let started: StartedNestApp;

beforeAll(async () => {
  started = await startNestApp(appModule('orders', capture), {
    configure: (app) => {
      app.useLogger(app.get(Logger));
    },
  });
});

afterAll(async () => {
  await started.close();
});

describe('LoggingModule on a Nest Fastify app', () => {
  it('tags every line of a request with its incoming x-request-id, echoes it, and redacts the token', async () => {
    const response = await fetch(`${started.url}/orders`, { headers: { 'x-request-id': 'abc', authorization: 'Bearer secret' } });
    expect(response.headers.get('x-request-id')).toBe('abc');
    const lines = capture.where('requestId', 'abc');
    expect(lines.map((l) => l['msg'])).toEqual(['listing orders', 'GET /orders 200']);
    for (const line of lines) expect(line).toMatchObject({ service: 'orders', requestId: 'abc' });
    expect(lines[0]).toMatchObject({ context: 'OrdersController' });
    expect(lines[1]).toMatchObject({ req: { headers: { authorization: '[Redacted]' } }, res: { statusCode: 200 } });
    expect(capture.text()).not.toContain('secret');
  });

  it('gives a request without an id a UUID, in its lines and in the response', async () => {
    const response = await fetch(`${started.url}/orders`);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(capture.where('requestId', id).map((l) => l['msg'])).toEqual(['listing orders', 'GET /orders 200']);
  });

  it('replaces an unsafe incoming id with a UUID', async () => {
    const response = await fetch(`${started.url}/orders`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('keeps the request id in lines logged after the body is read and after an await', async () => {
    await fetch(`${started.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'post-1' },
      body: JSON.stringify({ item: 'tea' }),
    });
    expect(capture.where('requestId', 'post-1').map((l) => l['msg'])).toEqual(['creating order', 'POST /orders 201']);
  });

  it('adds traceId and spanId from a valid traceparent', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await fetch(`${started.url}/orders`, { headers: { 'x-request-id': 'traced', traceparent } });
    for (const line of capture.where('requestId', 'traced')) {
      expect(line).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    }
    await fetch(`${started.url}/orders`, { headers: { 'x-request-id': 'untraced', traceparent: 'nonsense' } });
    expect(capture.where('requestId', 'untraced')[0]).not.toHaveProperty('traceId');
  });

  it('logs a failed request at error level with its id', async () => {
    const response = await fetch(`${started.url}/boom`, { headers: { 'x-request-id': 'boom-1' } });
    expect(response.status).toBe(500);
    const last = capture.where('requestId', 'boom-1').at(-1);
    expect(last).toMatchObject({ level: 'error', msg: 'GET /boom 500', res: { statusCode: 500 } });
    expect(last).not.toHaveProperty('err'); // the handler's error is logged once, by Nest's exception handler
  });

  it('logs the exception Nest reports for a failing handler with the request id', async () => {
    await fetch(`${started.url}/boom`, { headers: { 'x-request-id': 'boom-2' } });
    const reported = capture.where('requestId', 'boom-2').find((l) => l['context'] === 'ExceptionsHandler');
    expect(reported).toMatchObject({ level: 'error', err: { message: 'kaboom' } });
  });

  it('gives a request for an unknown route an id and a warn line', async () => {
    const response = await fetch(`${started.url}/nowhere?x=1`, { headers: { 'x-request-id': 'lost' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('lost');
    expect(capture.where('requestId', 'lost').map((l) => [l['level'], l['msg']])).toEqual([['warn', 'GET /nowhere?x=1 404']]);
  });

  it('logs a request the client gave up on as aborted', async () => {
    const gone = new Promise<void>((resolve) => {
      const req = request(`${started.url}/slow`, { headers: { 'x-request-id': 'impatient' }, agent: false });
      req.on('error', () => {
        resolve();
      });
      req.end();
      void waitFor(() => slowStarted, { message: 'slow handler started' }).then(() => req.destroy());
    });
    await gone;
    const line = await waitFor(() => capture.where('requestId', 'impatient').find((l) => l['msg'] === 'GET /slow aborted'));
    expect(line).toMatchObject({ level: 'warn' });
    releaseSlow();
  });

  it('does not log finished /health requests', async () => {
    await fetch(`${started.url}/health`, { headers: { 'x-request-id': 'probe' } });
    expect(capture.where('requestId', 'probe')).toEqual([]);
  });

  it('works under a global prefix', async () => {
    const prefixed = new LogCapture();
    const app = await startNestApp(appModule('prefixed', prefixed), { configure: (a) => void a.setGlobalPrefix('api') });
    try {
      const response = await fetch(`${app.url}/api/orders`, { headers: { 'x-request-id': 'prefixed-1' } });
      expect(response.headers.get('x-request-id')).toBe('prefixed-1');
      expect(prefixed.where('requestId', 'prefixed-1').map((l) => l['msg'])).toEqual(['listing orders', 'GET /api/orders 200']);
    } finally {
      await app.close();
    }
  });

  it('keeps two apps in one process apart: each request line goes to its own app', async () => {
    const other = new LogCapture();
    const second = await startNestApp(appModule('billing', other));
    try {
      await fetch(`${second.url}/orders`, { headers: { 'x-request-id': 'second-app' } });
      expect(other.where('requestId', 'second-app').map((l) => [l['service'], l['msg']])).toEqual([
        ['billing', 'listing orders'],
        ['billing', 'GET /orders 200'],
      ]);
      expect(capture.where('requestId', 'second-app')).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
