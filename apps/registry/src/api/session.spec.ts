import { FakeClock } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

describe('sessions and locks', () => {
  let fx: RegistryFixture | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
  });

  it('creates, lists, reads, renews and destroys a session', async () => {
    fx = await startFixture();
    const { ID } = await fx.consul.session.create({ name: 'leader-election', ttl: '15s', behavior: 'release' });
    expect(ID).toMatch(/^[0-9a-f-]{36}$/);
    const info = await fx.consul.session.info(ID);
    expect(info).toMatchObject({ ID, Name: 'leader-election', Node: 'node-1', TTL: '15s', Behavior: 'release', LockDelay: 15e9, NodeChecks: ['serfHealth'] });
    expect(rows<{ ID: string }>(await fx.consul.session.list()).map((s) => s.ID)).toEqual([ID]);
    expect(rows<{ ID: string }>(await fx.consul.session.node('node-1')).map((s) => s.ID)).toEqual([ID]);
    expect(await fx.consul.session.renew(ID)).toEqual([expect.objectContaining({ ID })]);
    await fx.consul.session.destroy(ID);
    expect(await fx.consul.session.info(ID)).toBeUndefined();
    expect((await fx.http(`/v1/session/renew/${ID}`, { method: 'PUT' })).status).toBe(404);
  });

  it('lets one session hold a key lock at a time (acquire/release)', async () => {
    fx = await startFixture();
    const a = (await fx.consul.session.create({ lockdelay: '0s' })).ID as string;
    const b = (await fx.consul.session.create()).ID as string;
    expect(await fx.consul.kv.set({ key: 'leader', value: 'a', acquire: a })).toBe(true);
    expect(await fx.consul.kv.set({ key: 'leader', value: 'b', acquire: b })).toBeUndefined();
    expect(await fx.consul.kv.get('leader')).toMatchObject({ Value: 'a', Session: a, LockIndex: 1 });
    expect(await fx.consul.kv.set({ key: 'leader', value: 'b', release: b })).toBeUndefined();
    expect(await fx.consul.kv.set({ key: 'leader', value: 'a2', release: a })).toBe(true);
    const released = await fx.consul.kv.get('leader');
    expect(released.Session).toBeUndefined();
    expect(await fx.consul.kv.set({ key: 'leader', value: 'b', acquire: b })).toBe(true);
    expect(await fx.consul.kv.get('leader')).toMatchObject({ Value: 'b', Session: b, LockIndex: 2 });
  });

  it('releases held locks when a release-session is destroyed, and applies the lock-delay', async () => {
    const clock = new FakeClock();
    fx = await startFixture({ clock });
    const holder = (await fx.consul.session.create({ lockdelay: '10s' })).ID as string;
    const other = (await fx.consul.session.create()).ID as string;
    await fx.consul.kv.set({ key: 'job', value: 'x', acquire: holder });
    await fx.consul.session.destroy(holder);
    expect(await fx.consul.kv.get('job')).toMatchObject({ Value: 'x', LockIndex: 1 });
    expect((await fx.consul.kv.get('job')).Session).toBeUndefined();
    expect(await fx.consul.kv.set({ key: 'job', value: 'y', acquire: other })).toBeUndefined();
    await clock.advance(10_001);
    expect(await fx.consul.kv.set({ key: 'job', value: 'y', acquire: other })).toBe(true);
  });

  it('deletes held keys when a delete-session ends', async () => {
    fx = await startFixture();
    const id = (await fx.consul.session.create({ behavior: 'delete' })).ID as string;
    await fx.consul.kv.set({ key: 'ephemeral', value: 'x', acquire: id });
    await fx.consul.session.destroy(id);
    expect(await fx.consul.kv.get('ephemeral')).toBeUndefined();
  });

  it('invalidates a TTL session after twice its TTL without renewal (Consul’s grace), not before', async () => {
    const clock = new FakeClock();
    fx = await startFixture({ clock });
    const id = (await fx.consul.session.create({ ttl: '10s' })).ID as string;
    await fx.consul.kv.set({ key: 'held', value: 'x', acquire: id });
    await clock.advance(15_000);
    await fx.consul.session.renew(id);
    await clock.advance(19_000);
    expect(await fx.consul.session.info(id)).toBeDefined();
    await clock.advance(1_001);
    await fx.registry.state.whenDurable();
    expect(await fx.consul.session.info(id)).toBeUndefined();
    expect((await fx.consul.kv.get('held')).Session).toBeUndefined();
  });

  it('invalidates a session when one of its checks turns critical', async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { ttl: '30s', status: 'passing' } });
    const id = (await fx.consul.session.create({ checks: ['serfHealth', 'service:web-1'] })).ID as string;
    await fx.consul.kv.set({ key: 'web/leader', value: 'web-1', acquire: id });
    await fx.consul.agent.check.fail('service:web-1');
    expect(await fx.consul.session.info(id)).toBeUndefined();
    expect((await fx.consul.kv.get('web/leader')).Session).toBeUndefined();
  });

  it('refuses a session bound to a critical or unknown check', async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { ttl: '30s' } });
    const critical = await fx.http('/v1/session/create', { method: 'PUT', body: JSON.stringify({ Checks: ['service:web-1'] }) });
    expect(critical.status).toBe(400);
    expect(await critical.text()).toBe("Check 'service:web-1' is in critical state");
    const unknown = await fx.http('/v1/session/create', { method: 'PUT', body: JSON.stringify({ NodeChecks: ['nope'] }) });
    expect(await unknown.text()).toBe("Missing check 'nope' registration");
  });

  it('refuses to acquire with a session that does not exist', async () => {
    fx = await startFixture();
    const response = await fx.http('/v1/kv/x?acquire=00000000-0000-0000-0000-000000000000', { method: 'PUT', body: 'v' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Invalid session');
  });
});
