import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

const at = (upstream: TestUpstream, meta: Record<string, string> = {}) => ({ address: '127.0.0.1', port: upstream.port, id: upstream.name, meta });

/** Polls `check` until it passes or `ms` elapse (cross-component: discovery → table → proxy). */
async function within<T>(ms: number, check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('route catalog: file routes + announced routes over discovery', () => {
  const upstreams: TestUpstream[] = [];
  let gateway: RunningGateway;
  const discovery = new StaticDiscovery();

  beforeAll(async () => {
    upstreams.push(...(await Promise.all(['a', 'b', 'c', 'announcer'].map((name) => startUpstream(name)))));
    gateway = await startGateway({
      discovery,
      port: 0,
      adminPort: 0,
      routes: [
        { path: '/pool/*', service: 'pool' },
        { path: '/contested/*', service: 'file-owner' },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  const a = (): TestUpstream => upstreams[0]!;
  const b = (): TestUpstream => upstreams[1]!;
  const c = (): TestUpstream => upstreams[2]!;
  const announcer = (): TestUpstream => upstreams[3]!;

  it('routes a newly announced service within 1 s of it registering, with no gateway edit', async () => {
    expect((await send(`${gateway.url}/api/fresh/1`)).status).toBe(404);
    const registeredAt = Date.now();
    discovery.set('fresh', [at(announcer(), { 'meshway-routes': 'GET /api/fresh/:id', 'meshway-strip-prefix': '/api' })]);
    const res = await within(1_000, async () => {
      const r = await send(`${gateway.url}/api/fresh/1`);
      expect(r.status).toBe(200);
      return r;
    });
    expect(Date.now() - registeredAt).toBeLessThan(1_000);
    expect(res.json<EchoBody>()).toMatchObject({ upstream: 'announcer', url: '/fresh/1' });
    expect((await send(`${gateway.url}/api/fresh/1`, { method: 'POST' })).status).toBe(405);
  });

  it('drops announced routes when the service leaves the registry', async () => {
    discovery.set('leaving', [at(announcer(), { 'meshway-routes': '* /leaving' })]);
    expect((await send(`${gateway.url}/leaving`)).status).toBe(200);
    discovery.set('leaving', []);
    expect((await send(`${gateway.url}/leaving`)).status).toBe(404);
  });

  it('balances round-robin across 3 instances', async () => {
    discovery.set('pool', [at(a()), at(b()), at(c())]);
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) seen.push((await send(`${gateway.url}/pool/x`)).json<EchoBody>().upstream);
    expect(seen.filter((n) => n === 'a')).toHaveLength(3);
    expect(seen.filter((n) => n === 'b')).toHaveLength(3);
    expect(seen.filter((n) => n === 'c')).toHaveLength(3);
  });

  it('no longer picks an instance once discovery removes it', async () => {
    discovery.set('pool', [at(a()), at(b()), at(c())]);
    discovery.set('pool', [at(a()), at(c())]);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await send(`${gateway.url}/pool/x`)).json<EchoBody>().upstream);
    expect([...seen].sort()).toEqual(['a', 'c']);
  });

  it('answers 503 for a file route whose service has no healthy instance', async () => {
    discovery.set('pool', []);
    const res = await send(`${gateway.url}/pool/x`);
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_NO_INSTANCE' } });
  });

  it('lets a file route win over an announced route on the same method and path', async () => {
    discovery.set('file-owner', [at(a())]);
    discovery.set('squatter', [at(b(), { 'meshway-routes': '* /contested/*' })]);
    expect((await send(`${gateway.url}/contested/x`)).json<EchoBody>().upstream).toBe('a');
  });

  it('skips an invalid announcement without losing the other services', async () => {
    discovery.set('broken', [at(c(), { 'meshway-routes': 'FETCH /broken' })]);
    discovery.set('fine', [at(c(), { 'meshway-routes': '* /fine' })]);
    expect((await send(`${gateway.url}/broken`)).status).toBe(404);
    expect((await send(`${gateway.url}/fine`)).status).toBe(200);
  });

  it('matches routes limited to a host by the Host header, without its port', async () => {
    const hosted = await startGateway({ discovery, port: 0, adminPort: 0, routes: [{ path: '/h', host: 'api.example.com', service: 'file-owner' }] });
    try {
      expect((await send(`${hosted.url}/h`, { headers: { host: 'api.example.com:8080' } })).status).toBe(200);
      expect((await send(`${hosted.url}/h`, { headers: { host: 'other.example.com' } })).status).toBe(404);
    } finally {
      await hosted.close();
    }
  });
});
