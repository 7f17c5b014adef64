import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../../start-gateway.js';
import { send } from '../../testing/http.client.js';

describe('body-limit step', () => {
  let upstream: Server;
  let gateway: RunningGateway;
  let reached = 0;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      reached++;
      req.resume().once('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const discovery = new StaticDiscovery([{ service: 'svc', address: '127.0.0.1', port: (upstream.address() as AddressInfo).port }]);
    gateway = await startGateway({ discovery, port: 0, adminPort: 0, routes: [{ path: '/small/*', service: 'svc', bodyLimitBytes: 16 }] });
  });

  afterAll(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('refuses a declared Content-Length over the route limit with 413, before the upstream sees anything', async () => {
    const res = await send(`${gateway.url}/small/x`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(17) });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_BODY_TOO_LARGE' } });
    expect(reached).toBe(0);
  });

  it('passes a body at the limit', async () => {
    const res = await send(`${gateway.url}/small/x`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(16) });
    expect(res.status).toBe(200);
    expect(reached).toBe(1);
  });
});
