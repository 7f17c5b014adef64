import { Body, Controller, Get, Inject, Param, Post, type DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { systemClock } from '@meshway/clock';
import { currentDeadline } from '@meshway/resilience';
import { startNestApp, type StartedNestApp } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './api-error.js';
import { HealthChecks } from './health.checks.js';
import { MeshwayServiceModule } from './meshway-service.module.js';
import type { ServiceOptions } from './service.options.js';
import { SERVICE_TRANSPORT } from './service.tokens.js';
import type { TransportDecision } from './transport.decision.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

const options: ServiceOptions = { name: 'billing', version: '1.4.0', transport: 'http' };
const thingSchema = z.object({ name: z.string().min(1) });

@Controller('things')
class ThingsController {
  @Post()
  create(@Body(new ZodValidationPipe(thingSchema)) input: z.infer<typeof thingSchema>): { name: string } {
    return input;
  }

  @Get('deadline')
  deadline(): { remainingMs: number | null } {
    const deadline = currentDeadline();
    return { remainingMs: deadline === undefined ? null : deadline.remaining(systemClock) };
  }

  @Get('boom')
  boom(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'secret')");
  }

  @Get(':id')
  find(@Param('id') id: string): never {
    throw new ApiError(404, 'THING_NOT_FOUND', `No thing with id "${id}"`);
  }
}

/** Another module's options factory (as `EventsModule.forRootAsync` has) injecting SERVICE_TRANSPORT without importing it. */
@Module({})
class TransportReaderModule {
  static forRootAsync(): DynamicModule {
    return {
      module: TransportReaderModule,
      providers: [{ provide: 'SERVED', useFactory: (transport: TransportDecision) => transport.served, inject: [SERVICE_TRANSPORT] }],
      exports: ['SERVED'],
    };
  }
}

@Controller('served')
class ServedController {
  constructor(@Inject('SERVED') private readonly served: string) {}

  @Get()
  get(): { served: string } {
    return { served: this.served };
  }
}

@Module({ imports: [MeshwayServiceModule.forRoot(options), TransportReaderModule.forRootAsync()], controllers: [ThingsController, ServedController] })
class AppModule {}

describe('MeshwayServiceModule (a real Fastify app on port 0)', () => {
  let started: StartedNestApp;
  const get = (path: string) => fetch(`${started.url}${path}`);
  const post = (path: string, body: string) => fetch(`${started.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    started = await startNestApp(AppModule, { logger: false });
  });

  afterAll(async () => {
    await started.close();
  });

  it('answers GET /health with 200, live and ready', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'billing', live: true, ready: true, checks: {} });
  });

  it('answers GET /info with the instance id fixed from the bound listener', async () => {
    expect(await (await get('/info')).json()).toEqual({
      service: 'billing',
      instance: expect.stringMatching(new RegExp(`^billing-127\\.0\\.0\\.1-${started.port}-[0-9a-f]{4}$`)),
      version: '1.4.0',
      transport: 'http',
    });
  });

  it('answers 503 with status "error" while a readiness check is down, and 200 again once it is up', async () => {
    let up = false;
    const remove = started.app.get(HealthChecks).add('db', () => (up ? { status: 'up' } : { status: 'down', message: 'no connection' }));
    try {
      const down = await get('/health');
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'error', service: 'billing', live: true, ready: false, checks: { db: { status: 'down', message: 'no connection' } } });
      up = true;
      expect((await get('/health')).status).toBe(200);
    } finally {
      remove();
    }
  });

  it("runs each handler inside its caller's x-request-timeout, and without a deadline when none was sent", async () => {
    const within = (await (await fetch(`${started.url}/things/deadline`, { headers: { 'x-request-timeout': '250' } })).json()) as { remainingMs: number };
    expect(within.remainingMs).toBeGreaterThan(0);
    expect(within.remainingMs).toBeLessThanOrEqual(250);
    expect(await (await get('/things/deadline')).json()).toEqual({ remainingMs: null });
    expect(await (await fetch(`${started.url}/things/deadline`, { headers: { 'x-request-timeout': 'soon' } })).json()).toEqual({ remainingMs: null });
  });

  it('answers invalid input with 400 VALIDATION_FAILED and field errors', async () => {
    const response = await post('/things', JSON.stringify({ name: '' }));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid request body: name', details: [{ field: 'name', message: expect.any(String) }] });
  });

  it('answers malformed JSON with 400 BAD_REQUEST, not a 500', async () => {
    const response = await post('/things', '{"name":');
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('BAD_REQUEST');
  });

  it('answers an ApiError with its status and code', async () => {
    const response = await get('/things/7');
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatchObject({ code: 'THING_NOT_FOUND', message: 'No thing with id "7"' });
  });

  it('answers an unknown route with 404 NOT_FOUND in the same shape', async () => {
    const response = await get('/nowhere');
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
  });

  it('hides an unexpected error behind 500 INTERNAL_ERROR', async () => {
    const response = await get('/things/boom');
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it("shares SERVICE_TRANSPORT globally: another module's options factory injects it without importing it", async () => {
    expect(await (await get('/served')).json()).toEqual({ served: 'http' });
  });

  it('refuses bad options at forRoot, naming the option', () => {
    expect(() => MeshwayServiceModule.forRoot({ ...options, name: 'Billing!' })).toThrow(/name="Billing!"/);
  });
});

describe('SERVICE_VERSION: the same code run as another version (a canary)', () => {
  it('announces SERVICE_VERSION instead of the package version in /info', async () => {
    process.env.SERVICE_VERSION = '2.0.0';
    try {
      @Module({ imports: [MeshwayServiceModule.forRoot(options)] })
      class CanaryModule {}
      const canary = await startNestApp(CanaryModule, { logger: false });
      try {
        expect(await (await fetch(`${canary.url}/info`)).json()).toMatchObject({ service: 'billing', version: '2.0.0' });
      } finally {
        await canary.close();
      }
    } finally {
      Reflect.deleteProperty(process.env, 'SERVICE_VERSION');
    }
  });

  it('refuses a SERVICE_VERSION that is not a semantic version, naming the variable', () => {
    process.env.SERVICE_VERSION = 'two';
    try {
      expect(() => MeshwayServiceModule.forRoot(options)).toThrow(expect.objectContaining({ code: 'MESHWAY_CONFIG_INVALID', message: expect.stringContaining('SERVICE_VERSION') }));
    } finally {
      Reflect.deleteProperty(process.env, 'SERVICE_VERSION');
    }
  });
});
