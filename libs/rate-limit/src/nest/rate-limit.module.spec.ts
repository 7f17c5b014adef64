import 'reflect-metadata';
import { Controller, Get, Injectable, Module, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { FakeClock, freePort, startNestApp, type StartedNestApp } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitErrorCode } from '../rate-limit.errors.js';
import { RateLimit, RateLimitGuard, RateLimitModule, RATE_LIMIT_STORE, type RateLimitModuleOptions } from './index.js';
import type { RateLimitStore } from '../rate-limit.store.js';

@Controller()
class ShopController {
  @Get('limited')
  @RateLimit({ points: 2, durationSec: 60, by: 'ip' })
  limited(): { ok: true } {
    return { ok: true };
  }

  @Get('per-consumer')
  @RateLimit({ points: 1, durationSec: 60, by: 'consumer' })
  perConsumer(): { ok: true } {
    return { ok: true };
  }

  @Get('free')
  free(): { ok: true } {
    return { ok: true };
  }
}

@Controller('reports')
@RateLimit({ points: 1, durationSec: 60, by: 'route' })
class ReportsController {
  @Get('a')
  a(): string {
    return 'a';
  }

  @Get('b')
  @RateLimit({ points: 3, durationSec: 60, by: 'route' })
  b(): string {
    return 'b';
  }
}

/** Stands in for an auth guard: the consumer comes from `x-user`. */
@Injectable()
class HeaderAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: { id: string } }>();
    const id = request.headers['x-user'];
    if (id !== undefined) request.user = { id };
    return true;
  }
}

@Controller('guarded')
@UseGuards(HeaderAuthGuard, RateLimitGuard)
class GuardedController {
  @Get()
  @RateLimit({ points: 1, durationSec: 60, by: 'consumer' })
  get(): string {
    return 'ok';
  }
}

function appModule(options: RateLimitModuleOptions, extras: { globalGuard?: boolean } = {}): new () => unknown {
  @Module({ imports: [RateLimitModule.forRoot({ ...options, ...extras })], controllers: [ShopController, ReportsController, GuardedController] })
  class AppModule {}
  return AppModule;
}

let app: StartedNestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${app!.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('RateLimitModule (a real Nest app on port 0)', () => {
  it('@RateLimit allows `points` with RateLimit-* headers, then answers 429 MESHWAY_RATE_LIMITED with Retry-After', async () => {
    app = await startNestApp(appModule({}));
    const first = await get('/limited');
    expect(first.status).toBe(200);
    expect([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining'), first.headers.get('ratelimit-reset')]).toEqual(['2', '1', '60']);
    expect((await get('/limited')).headers.get('ratelimit-remaining')).toBe('0');
    const refused = await get('/limited');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'MESHWAY_RATE_LIMITED', message: 'Rate limit of 2 requests exceeded; retry in 60 s.' } });
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('leaves handlers without a rule alone', async () => {
    app = await startNestApp(appModule({}));
    for (let i = 0; i < 5; i++) {
      const res = await get('/free');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('a controller rule gives each handler its own budget; a handler rule wins', async () => {
    app = await startNestApp(appModule({}));
    expect((await get('/reports/a')).status).toBe(200);
    expect((await get('/reports/a')).status).toBe(429);
    expect((await get('/reports/b')).headers.get('ratelimit-limit')).toBe('3');
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    app = await startNestApp(appModule({}));
    expect((await get('/limited', { 'x-forwarded-for': '1.1.1.1' })).status).toBe(200);
    expect((await get('/limited', { 'x-forwarded-for': '2.2.2.2' })).status).toBe(200);
    expect((await get('/limited', { 'x-forwarded-for': '3.3.3.3' })).status).toBe(429); // one bucket: the spoofing peer's
  });

  it('behind a trusted proxy, counts each client of X-Forwarded-For apart', async () => {
    app = await startNestApp(appModule({ trustedProxies: ['loopback'] }));
    for (const client of ['1.1.1.1', '2.2.2.2']) {
      expect((await get('/limited', { 'x-forwarded-for': client })).status).toBe(200);
      expect((await get('/limited', { 'x-forwarded-for': client })).status).toBe(200);
      expect((await get('/limited', { 'x-forwarded-for': client })).status).toBe(429);
    }
  });

  it('by consumer: the consumer from the configured function, anonymous requests by IP', async () => {
    app = await startNestApp(appModule({ consumer: (request) => (request as { headers: Record<string, string | undefined> }).headers['x-api-key'] }));
    expect((await get('/per-consumer', { 'x-api-key': 'alice' })).status).toBe(200);
    expect((await get('/per-consumer', { 'x-api-key': 'alice' })).status).toBe(429);
    expect((await get('/per-consumer', { 'x-api-key': 'bob' })).status).toBe(200);
    expect((await get('/per-consumer')).status).toBe(200);
    expect((await get('/per-consumer')).status).toBe(429);
  });

  it('globalGuard: false — the guard runs where it is listed, after the auth guard that sets request.user', async () => {
    app = await startNestApp(appModule({}, { globalGuard: false }));
    expect((await get('/limited')).headers.get('ratelimit-limit')).toBeNull(); // not enforced globally
    expect((await get('/guarded', { 'x-user': 'alice' })).status).toBe(200);
    expect((await get('/guarded', { 'x-user': 'alice' })).status).toBe(429);
    expect((await get('/guarded', { 'x-user': 'bob' })).status).toBe(200);
  });

  it('a request counts once, even with the guard both global and in @UseGuards', async () => {
    app = await startNestApp(appModule({}));
    expect((await get('/guarded', { 'x-user': 'alice' })).headers.get('ratelimit-remaining')).toBe('0');
  });

  it('windows roll over on the injected clock', async () => {
    const clock = new FakeClock();
    app = await startNestApp(appModule({ memory: { clock } }));
    await get('/limited');
    await get('/limited');
    expect((await get('/limited')).status).toBe(429);
    await clock.advance(60_000);
    expect((await get('/limited')).status).toBe(200);
  });

  it('forRootAsync: options from a factory; the store is injectable', async () => {
    @Module({
      imports: [RateLimitModule.forRootAsync({ useFactory: () => ({ store: 'memory' as const }) })],
      controllers: [ShopController],
    })
    class AsyncModule {}
    app = await startNestApp(AsyncModule);
    expect((await get('/limited')).status).toBe(200);
    expect(app.app.get<RateLimitStore>(RATE_LIMIT_STORE).stats().allowed).toBe(1);
  });

  it('Redis unreachable and failMode closed: 503 MESHWAY_RATE_LIMIT_UNAVAILABLE with Retry-After, at once', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    app = await startNestApp(appModule({ store: 'redis', redis: { url, failMode: 'closed', connectTimeoutMs: 100 } }), { logger: false });
    const started = performance.now();
    const res = await get('/limited');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: RateLimitErrorCode.Unavailable, message: 'Rate limiting is unavailable; try again shortly.' } });
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('ratelimit-limit')).toBeNull();
    expect((await get('/free')).status).toBe(200);
  });

  it('Redis unreachable and failMode open: requests pass, without RateLimit headers', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    app = await startNestApp(appModule({ store: 'redis', redis: { url, connectTimeoutMs: 100 } }), { logger: false });
    for (let i = 0; i < 4; i++) {
      const res = await get('/limited');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('fails at boot on a bad option, naming it', async () => {
    await expect(startNestApp(appModule({ trustedProxies: ['10.0.0.0/40'] }), { logger: false })).rejects.toThrow(/RateLimitModule\.trustedProxies\[0\]/);
  });

  it('@RateLimit with a bad rule fails when the class is defined', () => {
    expect(() => RateLimit({ points: 0, durationSec: 1, by: 'ip' })).toThrow(expect.objectContaining({ code: RateLimitErrorCode.InvalidLimit, message: expect.stringContaining('@RateLimit.points') as unknown }));
  });
});
