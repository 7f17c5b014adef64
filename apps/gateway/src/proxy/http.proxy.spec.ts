import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

describe('gateway → HTTP upstream', () => {
  let users: TestUpstream;
  let gateway: RunningGateway;
  const discovery = new StaticDiscovery();

  beforeAll(async () => {
    users = await startUpstream('users-1');
    discovery.set('users', [{ address: '127.0.0.1', port: users.port, meta: { 'meshway-routes': '* /api/users;* /api/users/*', 'meshway-strip-prefix': '/api' } }]);
    gateway = await startGateway({
      discovery,
      port: 0,
      adminPort: 0,
      routes: [{ path: '/shop/items/:id', methods: ['GET'], service: 'users' }],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await users.close();
  });

  it('forwards method, path (prefix stripped) and query to the instance', async () => {
    const res = await send(`${gateway.url}/api/users/7?fields=name&fields=email`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.json<EchoBody>()).toMatchObject({ upstream: 'users-1', method: 'DELETE', url: '/users/7?fields=name&fields=email' });
  });

  it('routes the bare prefix of a "/*" route, stripped to "/"', async () => {
    const res = await send(`${gateway.url}/api/users`);
    expect(res.json<EchoBody>().url).toBe('/users');
  });

  it('matches path parameters and rejects extra segments', async () => {
    expect((await send(`${gateway.url}/shop/items/42`)).json<EchoBody>().url).toBe('/shop/items/42');
    expect((await send(`${gateway.url}/shop/items/42/extra`)).status).toBe(404);
  });

  it('sets X-Forwarded-For/Proto/Host, appending to an existing chain', async () => {
    const res = await send(`${gateway.url}/api/users`, { headers: { host: 'shop.example.com:8080', 'x-forwarded-for': '203.0.113.9' } });
    const { headers } = res.json<EchoBody>();
    expect(headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('shop.example.com:8080');
    expect(headers.host).toBe(`127.0.0.1:${users.port}`);
  });

  it('keeps a client request id and returns it on the response', async () => {
    const res = await send(`${gateway.url}/api/users`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.json<EchoBody>().headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('creates a request id when the client sends none (or an unusable one)', async () => {
    const cases: Record<string, string>[] = [{}, { 'x-request-id': 'x'.repeat(300) }];
    for (const headers of cases) {
      const res = await send(`${gateway.url}/api/users`, { headers });
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json<EchoBody>().headers['x-request-id']).toBe(id);
    }
  });

  it('removes hop-by-hop request headers, including those named in Connection', async () => {
    const res = await send(`${gateway.url}/api/users`, {
      headers: { connection: 'keep-alive, x-secret', 'x-secret': '1', te: 'trailers', 'keep-alive': 'timeout=5', 'proxy-authorization': 'Basic eA==', 'x-kept': 'yes' },
    });
    const { headers } = res.json<EchoBody>();
    for (const name of ['x-secret', 'te', 'keep-alive', 'proxy-authorization']) expect(headers[name], name).toBeUndefined();
    expect(headers['x-kept']).toBe('yes');
  });

  it('removes hop-by-hop response headers, including those named in Connection', async () => {
    const res = await send(`${gateway.url}/api/users/hop-by-hop`);
    expect(res.text).toBe('ok');
    expect(res.headers['x-public']).toBe('yes');
    for (const name of ['x-private', 'keep-alive', 'proxy-authenticate']) expect(res.headers[name], name).toBeUndefined();
  });

  it('forwards a request body with its content type', async () => {
    const res = await send(`${gateway.url}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' });
    expect(res.json<EchoBody>()).toMatchObject({ method: 'POST', body: '{"name":"Ada"}', headers: { 'content-type': 'application/json' } });
  });

  it('streams bodies both ways: the echo of the first chunk arrives before the client sends the second', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/api/users/stream-echo`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, agent: false });
      req.on('error', reject);
      req.on('response', (res) => {
        let seen = '';
        res.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          // Only now, with the first chunk already back, does the client send the rest.
          if (seen === 'first|') req.end('second');
        });
        res.on('end', () => {
          resolve(seen);
        });
      });
      req.write('first|');
    });
    expect(echoed).toBe('first|second');
  });
});

describe('gateway → services\' internal paths', () => {
  it('never forwards to /_meshway/… on a service, however the route or the path is written', async () => {
    const users = await startUpstream('internal');
    const discovery = new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port, meta: { 'meshway-routes': '* /api/*', 'meshway-strip-prefix': '/api' } }]);
    const gateway = await startGateway({ discovery, port: 0, adminPort: 0 });
    try {
      for (const path of ['/api/_meshway/rpc/orders.get', '/api/%5Fmeshway/rpc/x', '/api/%5fMESHWAY/rpc/x', '/api/_meshway']) {
        const res = await send(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(res.status).toBe(404);
        expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_NO_ROUTE' } });
      }
      expect((await send(`${gateway.url}/api/_meshwayx`)).status).toBe(200);
    } finally {
      await gateway.close();
      await users.close();
    }
  });
});
