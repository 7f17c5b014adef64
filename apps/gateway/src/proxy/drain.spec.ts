import { describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { FakeClock } from '@meshway/testing';
import { startGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream } from '../testing/upstream.fixture.js';

/** Bounded real-time poll: the drain spans the gateway, its admin port and an upstream. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function setup(drainTimeoutMs: number) {
  const upstream = await startUpstream('slow');
  const clock = new FakeClock();
  const discovery = new StaticDiscovery([{ service: 'slow', address: '127.0.0.1', port: upstream.port }]);
  const gateway = await startGateway({ discovery, clock, drainTimeoutMs, port: 0, adminPort: 0, routes: [{ path: '/*', service: 'slow' }] });
  return { upstream, clock, gateway };
}

describe('graceful shutdown', () => {
  it('stops accepting, reports draining, and lets an in-flight request finish', async () => {
    const { upstream, gateway } = await setup(10_000);
    const inflight = send(`${gateway.url}/hang`);
    await until(() => upstream.hanging.length === 1);
    const closed = gateway.close();
    await until(async () => (await send(`${gateway.adminUrl}/health`)).status === 503);
    expect((await send(`${gateway.adminUrl}/health`)).json()).toMatchObject({ status: 'draining', inflight: 1 });
    await expect(send(`${gateway.url}/other`)).rejects.toThrow(/ECONNREFUSED/);
    upstream.hanging[0]!.end('finished late');
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.text).toBe('finished late');
    await closed;
    await upstream.close();
  });

  it('cuts requests still running when the drain limit passes', async () => {
    const { upstream, clock, gateway } = await setup(2_000);
    const outcome = send(`${gateway.url}/hang`).then(
      (res) => `answered ${res.status}`,
      (error: unknown) => (error as Error).message,
    );
    await until(() => upstream.hanging.length === 1);
    const closed = gateway.close();
    await until(async () => (await send(`${gateway.adminUrl}/health`)).status === 503);
    await clock.advance(2_000);
    await closed;
    expect(await outcome).toMatch(/socket hang up|ECONNRESET/);
    await upstream.close();
  });

  it('does not deregister or close the discovery source it was given', async () => {
    const discovery = new StaticDiscovery([{ service: 'kept', address: '127.0.0.1', port: 1 }]);
    const gateway = await startGateway({ discovery, port: 0, adminPort: 0 });
    await gateway.close();
    expect(await discovery.resolve('kept')).toHaveLength(1);
    const seen: number[] = [];
    discovery.watch('kept', (snapshot) => seen.push(snapshot.instances.length));
    expect(seen).toEqual([1]);
  });
});
