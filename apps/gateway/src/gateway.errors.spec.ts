import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { FakeClock, freePort } from '@meshway/testing';
import { GATEWAY_ERRORS } from './gateway.errors.js';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { send, type TestRequest, type TestResponse } from './testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from './testing/upstream.fixture.js';

/** Waits (on real time, bounded) until the upstream holds `count` hanging requests. */
async function hanging(upstream: TestUpstream, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (upstream.hanging.length < count) {
    if (Date.now() > deadline) throw new Error('the request never reached the upstream');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('errors: one table of codes and statuses, JSON bodies, never a 500 for bad input', () => {
  let upstream: TestUpstream;
  let gateway: RunningGateway;
  const clock = new FakeClock();

  beforeAll(async () => {
    upstream = await startUpstream('svc');
    const closedPort = await freePort();
    const discovery = new StaticDiscovery([
      { service: 'svc', address: '127.0.0.1', port: upstream.port },
      { service: 'gone', address: '127.0.0.1', port: closedPort },
    ]);
    gateway = await startGateway({
      discovery,
      clock,
      port: 0,
      adminPort: 0,
      routes: [
        { path: '/svc/*', service: 'svc', timeoutMs: 1_000, bodyLimitBytes: 16 },
        { path: '/only-get', methods: ['GET', 'HEAD'], service: 'svc' },
        { path: '/gone/*', service: 'gone' },
        { path: '/nobody/*', service: 'nobody' },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const cases: [string, string, TestRequest, number, string][] = [
    ['no route', '/nowhere', {}, 404, 'MESHWAY_NO_ROUTE'],
    ['path matches, method does not', '/only-get', { method: 'POST' }, 405, 'MESHWAY_METHOD_NOT_ALLOWED'],
    ['declared body over the limit', '/svc/x', { method: 'POST', body: 'x'.repeat(17) }, 413, 'MESHWAY_BODY_TOO_LARGE'],
    ['chunked body over the limit', '/svc/x', { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, body: 'x'.repeat(64) }, 413, 'MESHWAY_BODY_TOO_LARGE'],
    ['bad percent-encoding', '/svc/%zz', {}, 400, 'MESHWAY_BAD_REQUEST'],
    ['".." above the root', '/svc/../../etc/passwd', {}, 400, 'MESHWAY_BAD_REQUEST'],
    ['a non-numeric x-request-timeout', '/svc/x', { headers: { 'x-request-timeout': 'soon' } }, 400, 'MESHWAY_BAD_REQUEST'],
    ['instance refuses connections', '/gone/x', {}, 502, 'MESHWAY_UPSTREAM_UNAVAILABLE'],
    ['no healthy instance', '/nobody/x', {}, 503, 'MESHWAY_NO_INSTANCE'],
    ['headers over the size limit', '/svc/x', { headers: { 'x-huge': 'h'.repeat(20_000) } }, 431, 'MESHWAY_HEADERS_TOO_LARGE'],
  ];

  it.each(cases.map(([name, path, request, status, code]) => ({ name, path, request, status, code })))('$name → $status $code', async ({ path, request, status, code }) => {
    expect(GATEWAY_ERRORS[code as keyof typeof GATEWAY_ERRORS]).toBe(status);
    const res = await send(`${gateway.url}${path}`, { ...request, headers: { 'x-request-id': 'req-1', ...request.headers } });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<{ error: { code: string; message: string; requestId: string } }>();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(body.error.requestId).toEqual(status === 431 ? expect.any(String) : 'req-1');
  });

  it('says which methods are allowed on a 405', async () => {
    expect((await send(`${gateway.url}/only-get`, { method: 'DELETE' })).headers.allow).toBe('GET, HEAD');
  });

  it('routes "/svc/x/../y" as "/svc/y", never outside the route prefix', async () => {
    expect((await send(`${gateway.url}/svc/x/../y`)).json<EchoBody>().url).toBe('/svc/y');
    expect((await send(`${gateway.url}/svc/../only-get`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 504 when the upstream misses the route timeout', async () => {
    const pending = send(`${gateway.url}/svc/hang`, { headers: { 'x-request-id': 'slow-1' } });
    await hanging(upstream, 1);
    await clock.advance(999);
    await clock.advance(1);
    const res: TestResponse = await pending;
    expect(res.status).toBe(504);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_UPSTREAM_TIMEOUT', requestId: 'slow-1' } });
  });

  it("honours a shorter x-request-timeout and tells the upstream the remaining budget", async () => {
    expect((await send(`${gateway.url}/svc/x`, { headers: { 'x-request-timeout': '250' } })).json<EchoBody>().headers['x-request-timeout']).toBe('250');
    expect((await send(`${gateway.url}/svc/x`, { headers: { 'x-request-timeout': '99999' } })).json<EchoBody>().headers['x-request-timeout']).toBe('1000');
    const before = upstream.hanging.length;
    const pending = send(`${gateway.url}/svc/hang`, { headers: { 'x-request-timeout': '50' } });
    await hanging(upstream, before + 1);
    await clock.advance(50);
    expect((await pending).status).toBe(504);
  });

  it('keeps serving after every bad request above', async () => {
    expect((await send(`${gateway.url}/svc/ok`)).status).toBe(200);
  });
});
