import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type TestUpstream } from '../testing/upstream.fixture.js';

describe('admin API', () => {
  let upstream: TestUpstream;
  let gateway: RunningGateway;
  const discovery = new StaticDiscovery();

  beforeAll(async () => {
    upstream = await startUpstream('m');
    discovery.set('metered', [{ address: '127.0.0.1', port: upstream.port, meta: { 'meshway-routes': 'GET /m/*', 'meshway-version': 'v2' } }]);
    gateway = await startGateway({ discovery, port: 0, adminPort: 0, routes: [{ path: '/file/*', service: 'absent', timeoutMs: 1234 }] });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('GET /health answers ok with the route count', async () => {
    const res = await send(`${gateway.adminUrl}/health`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', routes: 2, inflight: 0 });
  });

  it('GET /routes shows the live table with instances', async () => {
    const { routes } = (await send(`${gateway.adminUrl}/routes`)).json<{ routes: Record<string, unknown>[] }>();
    expect(routes).toEqual([
      expect.objectContaining({ route: '* /file/*', source: 'inline', service: 'absent', timeoutMs: 1234, instances: [] }),
      expect.objectContaining({
        route: 'GET /m/*', source: 'announced', service: 'metered', transport: 'http', balancer: 'round-robin',
        instances: [expect.objectContaining({ address: '127.0.0.1', port: upstream.port, version: 'v2', weight: 100 })],
      }),
    ]);
  });

  it('GET /metrics counts and times requests by route, service and status, and gauges healthy instances', async () => {
    await send(`${gateway.url}/m/a`);
    await send(`${gateway.url}/m/b`);
    await send(`${gateway.url}/m/fail-500`);
    await send(`${gateway.url}/unknown`);
    const res = await send(`${gateway.adminUrl}/metrics`);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toContain('meshway_gateway_requests_total{route="GET /m/*",service="metered",status="200"} 2');
    expect(text).toContain('meshway_gateway_requests_total{route="GET /m/*",service="metered",status="500"} 1');
    expect(text).toContain('meshway_gateway_requests_total{route="unmatched",service="",status="404"} 1');
    expect(text).toMatch(/meshway_gateway_request_duration_seconds_count\{route="GET \/m\/\*",service="metered",status="200"\} 2/);
    expect(text).toContain('meshway_gateway_upstream_healthy_instances{service="metered"} 1');
    expect(text).toContain('meshway_gateway_upstream_healthy_instances{service="absent"} 0');
  });

  it('is not reachable through the public port', async () => {
    expect((await send(`${gateway.url}/metrics`)).status).toBe(404);
  });
});
