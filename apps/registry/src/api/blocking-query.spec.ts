import { FakeClock } from '@meshway/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

const index = (response: Response): number => Number(response.headers.get('x-consul-index'));

/** The fake clock drives ?wait; real HTTP carries the requests. */
describe('blocking queries', () => {
  let fx: RegistryFixture;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    fx = await startFixture({ clock });
  });
  /** Resolves once `count` queries are parked in the registry. */
  const parked = (count: number): Promise<void> => waitUntil(() => fx.registry.state.feed.size >= count);
  afterEach(async () => {
    await fx.stop();
  });

  it('holds /v1/health/service until an instance registers, then answers with it (consul client)', async () => {
    const first = await fx.http('/v1/health/service/web');
    const blocked = fx.consul.health.service({ service: 'web', index: String(index(first)), wait: '10s' });
    await parked(1);
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 80 });
    const entries = await blocked;
    expect(rows<{ Service: { ID: string } }>(entries).map((e) => e.Service.ID)).toEqual(['web-1']);
  });

  it('answers after ?wait with the same index when nothing changed', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1' });
    const now = index(await fx.http('/v1/health/service/web'));
    let answered = false;
    const blocked = fx.http(`/v1/health/service/web?index=${now}&wait=16s`).finally(() => (answered = true));
    await parked(1);
    await clock.advance(15_999);
    expect(answered).toBe(false);
    // 16 s plus at most 1/16 of jitter.
    await clock.advance(1_001);
    const response = await blocked;
    expect(response.status).toBe(200);
    expect(index(response)).toBe(now);
  });

  it('is not woken by a change to another service', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1' });
    const now = index(await fx.http('/v1/health/service/web'));
    const blocked = fx.http(`/v1/health/service/web?index=${now}&wait=10s`);
    await parked(1);
    await fx.consul.agent.service.register({ name: 'billing', id: 'billing-1' });
    await fx.registry.state.whenDurable();
    expect(fx.registry.state.feed.size).toBe(1);
    await clock.advance(11_000);
    expect(index(await blocked)).toBe(now);
  });

  it('never answers index 0, and sends the leader headers', async () => {
    const response = await fx.http('/v1/health/service/nothing-here');
    expect(index(response)).toBeGreaterThanOrEqual(1);
    expect(response.headers.get('x-consul-knownleader')).toBe('true');
    expect(response.headers.get('x-consul-lastcontact')).toBe('0');
  });

  it('does not move the index for a write that changes nothing', async () => {
    const registration = { name: 'web', id: 'web-1', port: 80, tags: ['a'], check: { ttl: '30s' } };
    await fx.consul.agent.service.register(registration);
    const before = index(await fx.http('/v1/health/service/web'));
    await fx.consul.agent.service.register(registration);
    await fx.consul.agent.check.pass('service:web-1');
    const afterPass = index(await fx.http('/v1/health/service/web'));
    expect(afterPass).toBeGreaterThan(before);
    await fx.consul.agent.check.pass('service:web-1');
    expect(index(await fx.http('/v1/health/service/web'))).toBe(afterPass);
  });

  it('wakes a KV watch on a write under its prefix, not elsewhere', async () => {
    await fx.consul.kv.set('app/config', 'v1');
    const now = index(await fx.http('/v1/kv/app/?recurse'));
    const blocked = fx.http(`/v1/kv/app/?recurse&index=${now}&wait=10s`);
    await parked(1);
    await fx.consul.kv.set('other/key', 'x');
    await fx.registry.state.whenDurable();
    expect(fx.registry.state.feed.size).toBe(1);
    await fx.consul.kv.set('app/config', 'v2');
    const response = await blocked;
    expect(index(response)).toBeGreaterThan(now);
    expect(Buffer.from(((await response.json()) as { Value: string }[])[0]!.Value, 'base64').toString()).toBe('v2');
  });

  it('moves a deleted key’s index so its watchers see the delete', async () => {
    await fx.consul.kv.set('app/flag', 'on');
    const now = index(await fx.http('/v1/kv/app/flag'));
    const blocked = fx.http(`/v1/kv/app/flag?index=${now}&wait=10s`);
    await parked(1);
    await fx.consul.kv.del('app/flag');
    const response = await blocked;
    expect(response.status).toBe(404);
    expect(index(response)).toBeGreaterThan(now);
  });

  it('drives the consul client’s watch helper: a change event per registration', async () => {
    const changes: number[] = [];
    const watch = fx.consul.watch({ method: (options: unknown) => fx.consul.health.service(options), options: { service: 'web', passing: 'true', wait: '5s' } });
    watch.on('change', (data: unknown[]) => changes.push(data.length));
    watch.on('error', () => undefined);
    try {
      await waitUntil(() => changes.length === 1);
      await fx.consul.agent.service.register({ name: 'web', id: 'web-1' });
      await waitUntil(() => changes.length === 2);
      await fx.consul.agent.service.register({ name: 'web', id: 'web-2' });
      await waitUntil(() => changes.length === 3);
      expect(changes).toEqual([0, 1, 2]);
    } finally {
      watch.end();
    }
  });

  it('rejects a malformed ?index or ?wait with 400', async () => {
    const badIndex = await fx.http('/v1/catalog/services?index=abc');
    expect(badIndex.status).toBe(400);
    expect(await badIndex.text()).toContain('Invalid index');
    const badWait = await fx.http('/v1/catalog/services?index=1&wait=soon');
    expect(badWait.status).toBe(400);
    expect(await badWait.text()).toContain('Invalid wait time');
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
