import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../../start-gateway.js';
import { send } from '../../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../../testing/upstream.fixture.js';

describe('version step: versioned routes and version headers pick instances by their service version', () => {
  const upstreams: TestUpstream[] = [];
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstreams.push(...(await Promise.all(['v1', 'v2'].map((name) => startUpstream(name)))));
    const [v1, v2] = upstreams as [TestUpstream, TestUpstream];
    const discovery = new StaticDiscovery([
      { service: 'users', id: 'v1', address: '127.0.0.1', port: v1.port, meta: { 'meshway-service-version': '1.4.0' } },
      { service: 'users', id: 'v2', address: '127.0.0.1', port: v2.port, meta: { 'meshway-service-version': '2.0.0' } },
    ]);
    gateway = await startGateway({
      discovery,
      port: 0,
      adminPort: 0,
      routes: [
        { path: '/v1/users/*', service: 'users', version: '^1', stripPrefix: '/v1' },
        { path: '/v2/users/*', service: 'users', version: '2.x', stripPrefix: '/v2' },
        { path: '/v3/users/*', service: 'users', version: '^3', stripPrefix: '/v3' },
        { path: '/users/*', service: 'users', versionHeader: 'accept-version', version: '^1' },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  const upstreamOf = async (path: string, headers: Record<string, string> = {}): Promise<string> => (await send(`${gateway.url}${path}`, { headers })).json<EchoBody>().upstream;

  it('sends a versioned path only to instances of that version', async () => {
    for (let i = 0; i < 4; i++) {
      expect(await upstreamOf('/v1/users/7')).toBe('v1');
      expect(await upstreamOf('/v2/users/7')).toBe('v2');
    }
  });

  it('lets the caller choose with the version header, else takes the route default', async () => {
    expect(await upstreamOf('/users/7', { 'accept-version': '2' })).toBe('v2');
    expect(await upstreamOf('/users/7', { 'accept-version': '^1.4' })).toBe('v1');
    expect(await upstreamOf('/users/7')).toBe('v1');
  });

  it('answers 404 MESHWAY_NO_VERSION naming the running versions when nobody serves the version', async () => {
    for (const res of [await send(`${gateway.url}/v3/users/7`), await send(`${gateway.url}/users/7`, { headers: { 'accept-version': '3' } })]) {
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_NO_VERSION', message: expect.stringContaining('running: 1.4.0, 2.0.0') as string } });
      expect(res.headers['x-meshway-versions']).toBe('1.4.0, 2.0.0');
    }
  });

  it('refuses a version header that is no version (400)', async () => {
    const res = await send(`${gateway.url}/users/7`, { headers: { 'accept-version': 'latest; drop table' } });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_BAD_REQUEST' } });
  });
});
