import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../../start-gateway.js';
import { send, type TestRequest } from '../../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../../testing/upstream.fixture.js';

describe('pick step: consistent-hash routes land the same key on the same instance', () => {
  const upstreams: TestUpstream[] = [];
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstreams.push(...(await Promise.all(['u1', 'u2', 'u3'].map((name) => startUpstream(name)))));
    const discovery = new StaticDiscovery(upstreams.map((u) => ({ service: 'users', id: u.name, address: '127.0.0.1', port: u.port })));
    gateway = await startGateway({
      discovery,
      port: 0,
      adminPort: 0,
      routes: [
        { path: '/by-header/*', service: 'users', balancer: 'consistent-hash', hashOn: 'header:x-user-id' },
        { path: '/by-cookie/*', service: 'users', balancer: 'consistent-hash', hashOn: 'cookie:session' },
        { path: '/by-param/:tenant/*', service: 'users', balancer: 'consistent-hash', hashOn: 'param:tenant' },
        { path: '/by-ip/*', service: 'users', balancer: 'consistent-hash' },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  async function instancesFor(path: string, request: TestRequest = {}, times = 12): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < times; i++) seen.add((await send(`${gateway.url}${path}`, request)).json<EchoBody>().upstream);
    return seen;
  }

  it.each([
    ['a header', (key: string) => ['/by-header/x', { headers: { 'x-user-id': key } }] as const],
    ['a cookie', (key: string) => ['/by-cookie/x', { headers: { cookie: `theme=dark; session=${key}` } }] as const],
    ['a path parameter', (key: string) => [`/by-param/${key}/x`, {}] as const],
  ])('hashes on %s: one key, one instance; many keys, several instances', async (_what, requestFor) => {
    for (const key of ['alice', 'bob', 'carol']) {
      const [path, request] = requestFor(key);
      expect(await instancesFor(path, request)).toHaveLength(1);
    }
    const spread = new Set<string>();
    for (let k = 0; k < 30; k++) {
      const [path, request] = requestFor(`user-${k}`);
      spread.add((await send(`${gateway.url}${path}`, request)).json<EchoBody>().upstream);
    }
    expect(spread.size).toBeGreaterThan(1);
  });

  it('hashes on the client IP by default, and when the named key is missing', async () => {
    expect(await instancesFor('/by-ip/x')).toHaveLength(1);
    expect(await instancesFor('/by-header/x')).toHaveLength(1);
  });

  it('shows what a route hashes on, and its chain, in /routes', async () => {
    const { routes } = (await send(`${gateway.adminUrl}/routes`)).json<{ routes: { path: string; hashOn: string | null; chain: string[] }[] }>();
    expect(routes.find((r) => r.path === '/by-cookie/*')).toMatchObject({ hashOn: 'cookie:session', chain: ['metrics', 'deadline', 'body-limit', 'version', 'retry', 'pick', 'http'] });
    expect(routes.find((r) => r.path === '/by-ip/*')?.hashOn).toBeNull();
  });
});
