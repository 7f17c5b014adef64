import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKv, StaticDiscovery } from '@meshway/discovery';
import { waitFor } from '@meshway/testing';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';
import type { ConfigSourceStatus } from './live-config.js';
import { KV_ROUTES_KEY } from './kv.source.js';

interface RoutesAnswer {
  routes: { path: string; service: string; source: string }[];
  config: ConfigSourceStatus[];
}

describe('live configuration: routes file and KV, applied without a restart', () => {
  const upstreams: TestUpstream[] = [];
  const kv = new MemoryKv();
  let dir: string;
  let file: string;
  let gateway: RunningGateway;

  /** Replaces the file the way editors do (write elsewhere, rename over), so the watch must follow the folder. */
  async function writeRoutes(yaml: string): Promise<void> {
    const temp = join(dir, `.routes-${Math.random().toString(36).slice(2)}.tmp`);
    await writeFile(temp, yaml);
    await rename(temp, file);
  }

  const admin = async (): Promise<RoutesAnswer> => (await send(`${gateway.adminUrl}/routes`)).json<RoutesAnswer>();
  const upstreamOf = async (path: string): Promise<string | number> => {
    const res = await send(`${gateway.url}${path}`);
    return res.status === 200 ? res.json<EchoBody>().upstream : res.status;
  };

  beforeAll(async () => {
    upstreams.push(...(await Promise.all(['blue', 'green'].map((name) => startUpstream(name)))));
    dir = await mkdtemp(join(tmpdir(), 'meshway-live-config-'));
    file = join(dir, 'routes.yaml');
    await writeRoutes('routes:\n  - { path: /shop/*, service: blue }\n');
    const discovery = new StaticDiscovery(upstreams.map((u) => ({ service: u.name, address: '127.0.0.1', port: u.port })));
    gateway = await startGateway({ discovery, kv, port: 0, adminPort: 0, routesFile: file });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(upstreams.map((u) => u.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('applies an edited routes file within a second', async () => {
    expect(await upstreamOf('/shop/x')).toBe('blue');
    const started = performance.now();
    await writeRoutes('routes:\n  - { path: /shop/*, service: green }\n');
    await waitFor(async () => (await upstreamOf('/shop/x')) === 'green', { timeoutMs: 5_000, intervalMs: 10 });
    expect(performance.now() - started).toBeLessThan(1_000);
    const file = (await admin()).config.find((c) => c.source === 'file');
    expect(file).toMatchObject({ routes: 1, rejected: null });
  });

  it('rejects an invalid file naming the field, keeps the last good one, and shows both in /routes', async () => {
    const before = (await admin()).config.find((c) => c.source === 'file')?.version;
    await writeRoutes('routes:\n  - { path: /shop/*, service: green, timeoutMs: fast }\n');
    const status = await waitFor(async () => (await admin()).config.find((c) => c.source === 'file' && c.rejected !== null), { timeoutMs: 5_000 });
    expect(status.rejected?.error).toContain('routes[0].timeoutMs: expected a positive integer, got "fast"');
    expect(status.version).toBe(before);
    expect(await upstreamOf('/shop/x')).toBe('green');
  });

  it('takes routes from the registry KV, which win over the file on the same route', async () => {
    await kv.set(KV_ROUTES_KEY, JSON.stringify({ routes: [{ path: '/shop/*', service: 'blue' }, { path: '/kv-only/*', service: 'blue' }] }));
    await waitFor(async () => (await upstreamOf('/kv-only/x')) === 'blue', { timeoutMs: 2_000 });
    expect(await upstreamOf('/shop/x')).toBe('blue');
    const { routes } = await admin();
    expect(routes.filter((r) => r.path === '/shop/*')).toEqual([expect.objectContaining({ source: 'kv', service: 'blue' })]);
    await kv.delete(KV_ROUTES_KEY);
    await waitFor(async () => (await upstreamOf('/kv-only/x')) === 404, { timeoutMs: 2_000 });
    expect(await upstreamOf('/shop/x')).toBe('green');
  });

  it('rejects an invalid KV document and keeps serving', async () => {
    await kv.set(KV_ROUTES_KEY, 'routes: [ { path: /x, service: } ]');
    const status = await waitFor(async () => (await admin()).config.find((c) => c.source === 'kv' && c.rejected !== null), { timeoutMs: 2_000 });
    expect(status.rejected?.error).toMatch(/routes\[0\]\.service/);
    expect(await upstreamOf('/shop/x')).toBe('green');
    await kv.delete(KV_ROUTES_KEY);
  });

  it('drops and fails no request while routes change under load', async () => {
    let stop = false;
    const outcomes = { ok: 0, failed: [] as (string | number)[] };
    const load = async (): Promise<void> => {
      while (!stop) {
        const got = await upstreamOf('/shop/x').catch((error: unknown) => String(error));
        if (got === 'blue' || got === 'green') outcomes.ok++;
        else outcomes.failed.push(got);
      }
    };
    const workers = Array.from({ length: 8 }, load);
    for (let i = 0; i < 20; i++) {
      const service = i % 2 === 0 ? 'blue' : 'green';
      await writeRoutes(`routes:\n  - { path: /shop/*, service: ${service} }\n  - { path: /extra-${i}/*, service: ${service} }\n`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    stop = true;
    await Promise.all(workers);
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(50);
  });
});
