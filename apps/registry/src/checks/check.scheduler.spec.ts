import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { FakeClock } from '@meshway/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

interface Upstream {
  url: string;
  status: number;
  body: string;
  hang: boolean;
  requests: { method: string; headers: IncomingMessage['headers']; body: string }[];
  server: Server;
}

async function upstream(): Promise<Upstream> {
  const state = { status: 200, body: 'ok', hang: false, requests: [] as Upstream['requests'] };
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      state.requests.push({ method: request.method ?? '', headers: request.headers, body });
      if (state.hang) return;
      response.statusCode = state.status;
      response.end(state.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  return Object.assign(state, { url, server });
}

describe('check runners (FakeClock, real HTTP and TCP servers on port 0)', () => {
  let clock: FakeClock;
  let fx: RegistryFixture;
  let up: Upstream;

  beforeEach(async () => {
    clock = new FakeClock();
    fx = await startFixture({ clock });
    up = await upstream();
  });
  afterEach(async () => {
    await fx.stop();
    up.server.closeAllConnections();
    await new Promise((resolve) => up.server.close(resolve));
  });

  /** Moves the fake clock and waits until every probe it started has reported. */
  const tick = async (ms: number): Promise<void> => {
    await clock.advance(ms);
    await fx.registry.checks.idle();
    await fx.registry.state.whenDurable();
  };
  const check = async (id: string): Promise<{ Status: string; Output: string }> => {
    const checks: Record<string, { Status: string; Output: string }> = await fx.consul.agent.check.list();
    return checks[id]!;
  };

  it('marks an HTTP check passing on 2xx, warning on 429, critical otherwise, with the output', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { http: up.url, interval: '10s' } });
    expect(await check('service:web-1')).toMatchObject({ Status: 'critical', Output: '' });
    await tick(0);
    expect(await check('service:web-1')).toMatchObject({ Status: 'passing', Output: `HTTP GET ${up.url}: 200 OK Output: ok` });
    up.status = 429;
    await tick(10_000);
    expect((await check('service:web-1')).Status).toBe('warning');
    up.status = 503;
    up.body = 'database down';
    await tick(10_000);
    expect(await check('service:web-1')).toMatchObject({ Status: 'critical', Output: `HTTP GET ${up.url}: 503 Service Unavailable Output: database down` });
    expect(up.requests).toHaveLength(3);
  });

  it('sends the configured method, headers and body', async () => {
    await fx.consul.agent.service.register({
      name: 'web',
      check: { http: up.url, interval: '10s', method: 'POST', header: { 'X-Probe': ['yes'] }, body: '{"ping":1}' },
    });
    await tick(0);
    expect(up.requests[0]).toMatchObject({ method: 'POST', body: '{"ping":1}', headers: expect.objectContaining({ 'x-probe': 'yes' }) });
  });

  it('fails an HTTP check that does not answer within its Timeout', async () => {
    up.hang = true;
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { http: up.url, interval: '10s', timeout: '2s', status: 'passing' } });
    await clock.advance(0);
    await clock.advance(2_000);
    await fx.registry.checks.idle();
    await fx.registry.state.whenDurable();
    expect(await check('service:web-1')).toMatchObject({ Status: 'critical', Output: expect.stringContaining('timed out') });
  });

  it('fails an HTTP check whose target refuses connections', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/health`;
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { http: closed, interval: '10s', status: 'passing' } });
    await tick(0);
    expect(await check('service:web-1')).toMatchObject({ Status: 'critical', Output: expect.stringContaining('ECONNREFUSED') });
  });

  it('passes a TCP check when the port accepts, fails it when nothing listens', async () => {
    const port = (up.server.address() as AddressInfo).port;
    await fx.consul.agent.service.register({ name: 'db', id: 'db-1', check: { tcp: `127.0.0.1:${port}`, interval: '5s' } });
    await fx.consul.agent.service.register({ name: 'db', id: 'db-2', check: { tcp: `127.0.0.1:${await closedPort()}`, interval: '5s', status: 'passing' } });
    await tick(0);
    expect(await check('service:db-1')).toMatchObject({ Status: 'passing', Output: `TCP connect 127.0.0.1:${port}: Success` });
    expect(await check('service:db-2')).toMatchObject({ Status: 'critical', Output: expect.stringContaining('ECONNREFUSED') });
  });

  it('runs again every interval, and stops when the service is deregistered', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { http: up.url, interval: '10s' } });
    await tick(0);
    await tick(10_000);
    await tick(10_000);
    expect(up.requests).toHaveLength(3);
    await fx.consul.agent.service.deregister('web-1');
    await tick(60_000);
    expect(up.requests).toHaveLength(3);
  });

  it('raises an interval below 1 s to 1 s, as Consul does', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { http: up.url, interval: '100ms' } });
    expect((await check('service:web-1')) as unknown).toMatchObject({ Interval: '1s' });
  });

  it('writes an output-only change at most every check-update interval', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { http: up.url, interval: '10s' } });
    await tick(0);
    up.body = 'ok, 2 connections';
    await tick(10_000);
    expect((await check('service:web-1')).Output).toMatch(/Output: ok$/);
    await tick(300_000);
    expect((await check('service:web-1')).Output).toMatch(/Output: ok, 2 connections$/);
  });

  it('turns a TTL check critical with "TTL expired" when no heartbeat comes in time', async () => {
    await fx.consul.agent.service.register({ name: 'worker', id: 'worker-1', check: { ttl: '10s' } });
    await fx.consul.agent.check.pass('service:worker-1');
    await tick(6_000);
    await fx.consul.agent.check.pass('service:worker-1');
    await tick(9_000);
    expect((await check('service:worker-1')).Status).toBe('passing');
    await tick(1_001);
    expect(await check('service:worker-1')).toMatchObject({ Status: 'critical', Output: 'TTL expired' });
  });

  it('deregisters a service whose check stays critical past DeregisterCriticalServiceAfter', async () => {
    await fx.consul.agent.service.register({ name: 'worker', id: 'worker-1', check: { ttl: '10s', deregistercriticalserviceafter: '1m' } });
    // Critical from registration (t=0); a heartbeat at t=30 s stops the countdown; the TTL expires at
    // t=40 s and the countdown restarts from there: removed at t=100 s, not at t=60 s.
    await tick(30_000);
    await fx.consul.agent.check.pass('service:worker-1');
    await tick(69_000);
    expect(await fx.consul.agent.service.list()).toHaveProperty('worker-1');
    await tick(1_001);
    expect(await fx.consul.agent.service.list()).not.toHaveProperty('worker-1');
  });
});

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
