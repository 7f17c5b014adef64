import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { freePort } from '@meshway/testing';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

// One live instance and one whose port refuses connections (a killed instance the registry has not noticed yet).
describe('gateway failover: an instance that refuses connections', () => {
  let live: TestUpstream;
  let gateway: RunningGateway;
  let deadPort: number;
  const discovery = new StaticDiscovery();

  beforeAll(async () => {
    live = await startUpstream('users-live');
    deadPort = await freePort();
    const meta = { 'meshway-routes': '* /api/users/*', 'meshway-strip-prefix': '/api' };
    discovery.set('users', [
      { id: 'users-dead', address: '127.0.0.1', port: deadPort, meta },
      { id: 'users-live', address: '127.0.0.1', port: live.port, meta },
    ]);
    gateway = await startGateway({ discovery, port: 0, adminPort: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    await live.close();
  });

  it('retries a bodiless request on another instance, so no client sees the refusal', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await send(`${gateway.url}/api/users/${i}`);
      expect(res.status).toBe(200);
      expect(res.json<EchoBody>().upstream).toBe('users-live');
    }
  });

  it('ejects the refusing instance, so even requests with a body (not resent) reach the live one', async () => {
    await send(`${gateway.url}/api/users/warm-up`);
    for (let i = 0; i < 4; i++) {
      const res = await send(`${gateway.url}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
      expect(res.status).toBe(200);
    }
  });

  it('answers 502 when the only instance refuses and there is nowhere else to go', async () => {
    discovery.set('users', [{ id: 'users-dead', address: '127.0.0.1', port: deadPort, meta: { 'meshway-routes': '* /api/users/*', 'meshway-strip-prefix': '/api' } }]);
    const res = await send(`${gateway.url}/api/users/1`);
    expect(res.status).toBe(502);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('MESHWAY_UPSTREAM_UNAVAILABLE');
  });
});
