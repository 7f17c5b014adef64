import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { parseRoutesDocument } from '../../routing/routes-file.loader.js';
import { startGateway, type RunningGateway } from '../../start-gateway.js';
import { send } from '../../testing/http.client.js';

type Behaviour = 'ok' | '503' | 'hang';

/** An instance whose behaviour the spec switches, counting what reaches it. */
interface Instance {
  readonly id: string;
  readonly port: number;
  behaviour: Behaviour;
  hits: number;
  readonly server: Server;
  readonly hanging: ServerResponse[];
}

async function instance(id: string, behaviour: Behaviour = 'ok'): Promise<Instance> {
  const hanging: ServerResponse[] = [];
  const state = { id, behaviour, hits: 0, hanging } as Instance;
  const server = createServer((req, res) => {
    req.resume();
    state.hits++;
    if (state.behaviour === 'hang') {
      hanging.push(res);
      return;
    }
    const status = state.behaviour === '503' ? 503 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ instance: id }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { server, port: (server.address() as AddressInfo).port });
}

describe('resilience steps: retries, budget, breaker, bulkhead, per-try timeout', () => {
  const discovery = new StaticDiscovery();
  const instances: Instance[] = [];
  let gateway: RunningGateway;
  const at = (i: Instance) => ({ id: i.id, address: '127.0.0.1', port: i.port });

  beforeAll(async () => {
    instances.push(...(await Promise.all(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => instance(id)))));
    const [a, b, c, d, e, f, g] = instances as [Instance, Instance, Instance, Instance, Instance, Instance, Instance];
    discovery.set('flaky', [at(a), at(b)]);
    discovery.set('down', [at(c), at(d)]);
    discovery.set('narrow', [at(e)]);
    discovery.set('slow', [at(f), at(g)]);
    gateway = await startGateway({
      discovery, port: 0, adminPort: 0,
      routes: [
        { path: '/flaky/*', service: 'flaky', breaker: { threshold: 2, openMs: 60_000, maxOpenMs: 60_000 }, outlier: false },
        { path: '/down/*', service: 'down', retries: { maxAttempts: 3, backoff: { baseMs: 1, maxMs: 1 } }, budget: { ratio: 0.2, minRetriesPerSecond: 0 }, breaker: false, outlier: false },
        { path: '/narrow/*', service: 'narrow', bulkhead: { maxConcurrent: 1, maxQueue: 0 } },
        { path: '/slow/*', service: 'slow', timeoutMs: 5_000, retries: { perTryTimeoutMs: 200 }, breaker: { threshold: 1, openMs: 60_000, maxOpenMs: 60_000 } },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    for (const i of instances) {
      for (const res of i.hanging) res.destroy();
      i.server.closeAllConnections();
      i.server.close();
    }
  });

  it('retries a GET that got 503 on the other instance, and opens the failing instance\'s breaker', async () => {
    const [a] = instances as [Instance];
    a.behaviour = '503';
    for (let i = 0; i < 6; i++) {
      const res = await send(`${gateway.url}/flaky/x`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ instance: 'b' });
    }
    const hitsWhileOpen = a.hits;
    for (let i = 0; i < 4; i++) await send(`${gateway.url}/flaky/x`);
    expect(a.hits).toBe(hitsWhileOpen);
    const metrics = (await send(`${gateway.adminUrl}/metrics`)).text;
    expect(metrics).toMatch(/meshway_gateway_breaker_state\{service="flaky",instance="a"\} 2/);
    expect(metrics).toMatch(/meshway_gateway_retries_total\{route="\* \/flaky\/\*",service="flaky"\} [1-9]/);
  });

  it('does not retry a POST that got 503: the upstream\'s answer passes through', async () => {
    const res = await send(`${gateway.url}/down/x`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    instances[2]!.behaviour = '503';
    instances[3]!.behaviour = '503';
    const before = instances[2]!.hits + instances[3]!.hits;
    const failed = await send(`${gateway.url}/down/x`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(failed.status).toBe(503);
    expect(instances[2]!.hits + instances[3]!.hits - before).toBe(1);
  });

  it('keeps retries within the budget when every instance fails: the upstream sees at most 1.2x the requests', async () => {
    const [, , c, d] = instances as [Instance, Instance, Instance, Instance];
    const before = c.hits + d.hits;
    const requests = 100;
    for (let i = 0; i < requests; i++) expect((await send(`${gateway.url}/down/x`)).status).toBe(503);
    const seen = c.hits + d.hits - before;
    expect(seen).toBeGreaterThan(requests);
    expect(seen).toBeLessThanOrEqual(requests * 1.2 + 1);
    expect((await send(`${gateway.adminUrl}/metrics`)).text).toMatch(/meshway_gateway_retry_budget_exhausted_total\{route="\* \/down\/\*",service="down"\} [1-9]/);
  });

  it('answers 503 MESHWAY_BULKHEAD_FULL at once when the upstream is at its limit', async () => {
    const [, , , , e] = instances as [Instance, Instance, Instance, Instance, Instance];
    e.behaviour = 'hang';
    const first = send(`${gateway.url}/narrow/x`);
    const deadline = Date.now() + 5_000;
    while (e.hanging.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const second = await send(`${gateway.url}/narrow/x`);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.json()).toMatchObject({ error: { code: 'MESHWAY_BULKHEAD_FULL' } });
    e.hanging.shift()?.end('{}');
    expect((await first).status).toBe(200);
    e.behaviour = 'ok';
    expect((await send(`${gateway.url}/narrow/x`)).status).toBe(200);
  });

  it('gives up on an instance that never answers after the per-try timeout and serves the GET from another', async () => {
    const [, , , , , f] = instances as [Instance, Instance, Instance, Instance, Instance, Instance];
    f.behaviour = 'hang';
    for (let i = 0; i < 4; i++) {
      const started = performance.now();
      const res = await send(`${gateway.url}/slow/x`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ instance: 'g' });
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    expect(f.hits).toBeLessThanOrEqual(2);
  });

  it('names the bad field in a routes file\'s resilience settings', () => {
    const defaults = { balancer: 'round-robin', timeoutMs: 1_000, bodyLimitBytes: 1, resilience: {}, auth: 'none', scopes: [], rateLimit: undefined } as const;
    expect(() => parseRoutesDocument({ routes: [{ path: '/x', service: 'x', retries: { maxAttempts: 0 } }] }, defaults)).toThrow('routes[0].retries.maxAttempts: got 0; allowed:');
    expect(() => parseRoutesDocument({ routes: [{ path: '/x', service: 'x', breaker: { mode: 'fast' } }] }, defaults)).toThrow('routes[0].breaker.mode: got "fast"');
    expect(() => parseRoutesDocument({ routes: [{ path: '/x', service: 'x', bulkhead: { maxQueue: 3 } }] }, defaults)).toThrow('routes[0].bulkhead.maxConcurrent');
    expect(() => parseRoutesDocument({ defaults: { outlier: { maxEjectionPercent: 300 } }, routes: [] }, defaults)).toThrow('defaults.outlier.maxEjectionPercent');
  });
});
