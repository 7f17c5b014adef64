import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKv, StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

const TOKEN = 'drain-spec-admin-token-000';
const bearer = { authorization: `Bearer ${TOKEN}` };
const auth = { ...bearer, 'content-type': 'application/json' };

describe('admin API: draining an instance', () => {
  const upstreams: TestUpstream[] = [];
  const kv = new MemoryKv();
  let gateway: RunningGateway;
  let peer: RunningGateway;

  beforeAll(async () => {
    upstreams.push(...(await Promise.all(['a', 'b'].map((name) => startUpstream(name)))));
    const discovery = new StaticDiscovery(upstreams.map((u) => ({ service: 'svc', id: u.name, address: '127.0.0.1', port: u.port })));
    const options = { discovery, kv, port: 0, adminPort: 0, adminToken: TOKEN, routes: [{ path: '/svc/*', service: 'svc' }] };
    [gateway, peer] = await Promise.all([startGateway(options), startGateway(options)]);
  });

  afterAll(async () => {
    await Promise.all([gateway.close(), peer.close()]);
    await Promise.all(upstreams.map((u) => u.close()));
  });

  const served = async (g: RunningGateway, times = 8): Promise<Set<string>> => {
    const seen = new Set<string>();
    for (let i = 0; i < times; i++) seen.add((await send(`${g.url}/svc/x`)).json<EchoBody>().upstream);
    return seen;
  };

  it('sends no new request to a drained instance, on every replica sharing the KV, until it is put back', async () => {
    expect(await served(gateway)).toEqual(new Set(['a', 'b']));
    const res = await send(`${gateway.adminUrl}/instances/a/drain`, { method: 'POST', headers: auth, body: JSON.stringify({ reason: 'kernel upgrade' }) });
    expect(res.json()).toMatchObject({ id: 'a', reason: 'kernel upgrade' });
    expect(await served(gateway)).toEqual(new Set(['b']));
    expect(await served(peer)).toEqual(new Set(['b']));
    const instances = (await send(`${gateway.adminUrl}/instances`, { headers: bearer })).json<{ id: string; drained: boolean }[]>();
    expect(instances.find((i) => i.id === 'a')?.drained).toBe(true);
    expect((await send(`${gateway.adminUrl}/instances/a/drain`, { method: 'DELETE', headers: bearer })).status).toBe(204);
    expect(await served(gateway)).toEqual(new Set(['a', 'b']));
  });

  it('answers 404 for putting back an instance that is not drained, and 400 for a hostile id', async () => {
    expect((await send(`${gateway.adminUrl}/instances/zzz/drain`, { method: 'DELETE', headers: bearer })).status).toBe(404);
    expect((await send(`${gateway.adminUrl}/instances/${encodeURIComponent('../../etc')}/drain`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(400);
  });
});
