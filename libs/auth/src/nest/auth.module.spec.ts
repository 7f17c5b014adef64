import { request as httpRequest } from 'node:http';
import { Controller, Get, Module, Post, UseGuards, type DynamicModule } from '@nestjs/common';
import { FakeClock, startNestApp, type StartedNestApp } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, type Identity } from '../index.js';
import { claimsAt, makeKey, sign, type TestKey } from '../fixtures/jwt.fixture.js';
import { JwksServer } from '../fixtures/jwks.server.fixture.js';
import { AnyAuthGuard, ApiKeyAuthGuard, AuthModule, CurrentConsumer, IDENTITY_HEADERS, JwtAuthGuard, Scopes, ScopesGuard, TrustedIdentityGuard } from './index.js';

const ISSUER = 'https://issuer.example';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A request with raw headers (`[name, value, …]`), so a header can be sent twice. */
function send(url: string, method: string, path: string, rawHeaders: string[] = []): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Raw headers are sent as given: Node adds no Host then.
    const body = method === 'POST' ? ['content-type', 'application/json', 'content-length', '2'] : [];
    const req = httpRequest(`${url}${path}`, { method, headers: ['host', new URL(url).host, ...body, ...rawHeaders] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

@Controller('orders')
@Scopes('orders:read')
class OrdersController {
  @Get()
  @UseGuards(JwtAuthGuard, ScopesGuard)
  list(@CurrentConsumer('consumer') consumer: string): { consumer: string } {
    return { consumer };
  }

  @Post()
  @UseGuards(AnyAuthGuard, ScopesGuard)
  @Scopes('orders:write')
  create(@CurrentConsumer() identity: Identity): { consumer: string; method: string; scopes: string[] } {
    return { consumer: identity.consumer, method: identity.method, scopes: [...identity.scopes].sort() };
  }
}

@Controller('batch')
class BatchController {
  @Get()
  @UseGuards(ApiKeyAuthGuard)
  run(@CurrentConsumer() identity: Identity): { consumer: string } {
    return { consumer: identity.consumer };
  }
}

@Controller('internal')
class InternalController {
  @Get()
  @UseGuards(TrustedIdentityGuard, ScopesGuard)
  @Scopes('orders:read')
  read(@CurrentConsumer() identity: Identity): { consumer: string; method: string } {
    return { consumer: identity.consumer, method: identity.method };
  }
}

let key: TestKey;
let jwks: JwksServer;
const clock = new FakeClock(Date.now());

beforeAll(async () => {
  key = await makeKey('ES256', 'e1');
  jwks = await JwksServer.start([key.publicJwk]);
});

afterAll(async () => {
  await jwks.close();
});

const authBlock = () => ({
  jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: ['ES256' as const], jwksUrl: jwks.url }],
  apiKeys: [{ consumer: 'batch-jobs', keys: [hashApiKey('old-key'), hashApiKey('new-key')], scopes: ['orders:read', 'orders:write'] }],
});

describe('AuthModule.forRoot in a real Nest app', () => {
  let app: StartedNestApp;
  let reader: string;
  let writer: string;

  beforeAll(async () => {
    app = await startNestApp(appModule(AuthModule.forRoot({ auth: authBlock(), clock })));
    reader = await sign(key, claimsAt(clock.now(), { scope: 'orders:read' }));
    writer = await sign(key, claimsAt(clock.now(), { sub: 'bob', scope: 'orders:read orders:write' }));
  });

  afterAll(async () => {
    await app.close();
  });

  it('fetched the JWKS at boot', () => {
    expect(jwks.requests).toBeGreaterThanOrEqual(1);
  });

  it('lets a JWT with the scopes in, and hands the handler the consumer', async () => {
    expect(await send(app.url, 'GET', '/orders', ['authorization', `Bearer ${reader}`])).toMatchObject({ status: 200, body: { consumer: 'alice' } });
    expect(await send(app.url, 'GET', '/orders', ['Authorization', `bearer ${reader}`])).toMatchObject({ status: 200 });
  });

  it.each([
    ['no credential', [], 'Bearer realm="meshway"'],
    ['an empty Authorization', ['authorization', ''], 'Bearer realm="meshway", error="invalid_request", error_description="empty Authorization header"'],
    ['the Basic scheme', ['authorization', 'Basic YWxpY2U6c2VjcmV0'], 'Bearer realm="meshway", error="invalid_request", error_description="the Basic scheme is not accepted; send Authorization: Bearer <token>"'],
    ['Bearer with no token', ['authorization', 'Bearer'], 'Bearer realm="meshway", error="invalid_request", error_description="Bearer needs a token"'],
    ['a malformed token', ['authorization', 'Bearer abc.def'], 'Bearer realm="meshway", error="invalid_token", error_description="the token is not a JWT (three dot-separated parts)"'],
  ])('answers %s with 401 MESHWAY_UNAUTHENTICATED and its challenge', async (_name, headers, challenge) => {
    const answer = await send(app.url, 'GET', '/orders', headers);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(challenge);
    expect(answer.body).toMatchObject({ error: { code: 'MESHWAY_UNAUTHENTICATED' } });
  });

  it('refuses two Authorization headers, even when the first is valid (Node keeps only the first in req.headers)', async () => {
    const answer = await send(app.url, 'GET', '/orders', ['authorization', `Bearer ${reader}`, 'authorization', 'Bearer x.y.z']);
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'MESHWAY_UNAUTHENTICATED', message: 'more than one Authorization header' } } });
  });

  it('refuses a tampered token with 401 invalid_token (never a 5xx)', async () => {
    const answer = await send(app.url, 'GET', '/orders', ['authorization', `Bearer ${reader.slice(0, -6)}AAAAAA`]);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers a missing scope with 403 MESHWAY_FORBIDDEN naming it (controller and handler scopes add up)', async () => {
    const answer = await send(app.url, 'POST', '/orders', ['authorization', `Bearer ${reader}`]);
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'MESHWAY_FORBIDDEN', message: 'missing scope orders:write' } } });
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="meshway", error="insufficient_scope", error_description="missing scope orders:write", scope="orders:write"');
    expect(await send(app.url, 'POST', '/orders', ['authorization', `Bearer ${writer}`])).toMatchObject({ status: 201, body: { consumer: 'bob', method: 'jwt' } });
  });

  it('takes an API key where either credential is accepted, and refuses both at once', async () => {
    expect(await send(app.url, 'POST', '/orders', ['x-api-key', 'new-key'])).toMatchObject({ status: 201, body: { consumer: 'batch-jobs', method: 'apiKey', scopes: ['orders:read', 'orders:write'] } });
    expect(await send(app.url, 'POST', '/orders', ['x-api-key', 'new-key', 'authorization', `Bearer ${writer}`])).toMatchObject({ status: 401 });
  });

  it('guards with API keys alone: both rotating keys work, a wrong one is refused with an ApiKey challenge', async () => {
    expect(await send(app.url, 'GET', '/batch', ['x-api-key', 'old-key'])).toMatchObject({ status: 200, body: { consumer: 'batch-jobs' } });
    const wrong = await send(app.url, 'GET', '/batch', ['x-api-key', 'old-key-2']);
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'MESHWAY_UNAUTHENTICATED', message: 'invalid API key' } } });
    expect(wrong.headers['www-authenticate']).toBe('ApiKey realm="meshway", header="x-api-key"');
    expect(await send(app.url, 'GET', '/batch', ['authorization', `Bearer ${writer}`])).toMatchObject({ status: 401 });
  });
});

@Module({ controllers: [OrdersController, BatchController, InternalController] })
class TestAppModule {}

function appModule(auth: DynamicModule): DynamicModule {
  return { module: TestAppModule, imports: [auth] };
}

describe('TrustedIdentityGuard behind the gateway', () => {
  let app: StartedNestApp;

  beforeAll(async () => {
    app = await startNestApp(appModule(AuthModule.forRoot({})));
  });

  afterAll(async () => {
    await app.close();
  });

  it('believes the identity headers the gateway forwards', async () => {
    const answer = await send(app.url, 'GET', '/internal', [IDENTITY_HEADERS.consumer, 'alice', IDENTITY_HEADERS.scopes, 'orders:read orders:write']);
    expect(answer).toMatchObject({ status: 200, body: { consumer: 'alice', method: 'gateway' } });
  });

  it('refuses a request without them (401), or without the scope (403), or with the consumer twice', async () => {
    expect(await send(app.url, 'GET', '/internal')).toMatchObject({ status: 401, body: { error: { code: 'MESHWAY_UNAUTHENTICATED' } } });
    expect(await send(app.url, 'GET', '/internal', [IDENTITY_HEADERS.consumer, 'alice'])).toMatchObject({ status: 403 });
    expect(await send(app.url, 'GET', '/internal', [IDENTITY_HEADERS.consumer, 'alice', IDENTITY_HEADERS.consumer, 'root', IDENTITY_HEADERS.scopes, 'orders:read'])).toMatchObject({
      status: 401,
    });
  });

  it('has no issuers or keys: JWT and API-key guards refuse everything', async () => {
    expect(await send(app.url, 'GET', '/batch', ['x-api-key', 'old-key'])).toMatchObject({ status: 401 });
  });
});

describe('AuthModule.forRootAsync and boot-time validation', () => {
  it('builds from a factory', async () => {
    const app = await startNestApp(appModule(AuthModule.forRootAsync({ useFactory: () => ({ auth: authBlock(), clock }) })));
    try {
      expect(await send(app.url, 'GET', '/batch', ['x-api-key', 'new-key'])).toMatchObject({ status: 200 });
    } finally {
      await app.close();
    }
  });

  it('fails the boot naming the bad field', async () => {
    const bad = AuthModule.forRoot({ auth: { jwt: [{ issuer: ISSUER, audiences: ['meshway'], algorithms: [], jwksUrl: jwks.url }] } });
    await expect(startNestApp(appModule(bad), { logger: false })).rejects.toMatchObject({
      code: 'MESHWAY_AUTH_INVALID_CONFIG',
      message: expect.stringContaining('AuthModule.auth.jwt[0].algorithms: expected at least one algorithm') as unknown,
    });
  });
});
