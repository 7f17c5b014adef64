import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

describe('KV store', () => {
  let fx: RegistryFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  it('stores and reads values (base64 in JSON, decoded by the client) with flags', async () => {
    expect(await fx.consul.kv.set({ key: 'app/name', value: 'meshway', flags: 42 })).toBe(true);
    expect(await fx.consul.kv.get('app/name')).toMatchObject({ Key: 'app/name', Value: 'meshway', Flags: 42, LockIndex: 0 });
    const raw = await (await fx.http('/v1/kv/app/name')).json();
    expect(raw).toEqual([expect.objectContaining({ Key: 'app/name', Value: Buffer.from('meshway').toString('base64') })]);
  });

  it('renders an empty value as null', async () => {
    await fx.http('/v1/kv/empty', { method: 'PUT' });
    expect(await (await fx.http('/v1/kv/empty')).json()).toEqual([expect.objectContaining({ Key: 'empty', Value: null })]);
  });

  it('answers a missing key with 404 and an empty body', async () => {
    const response = await fx.http('/v1/kv/missing');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
    expect(await fx.consul.kv.get('missing')).toBeUndefined();
  });

  it('serves ?raw bytes as they were written', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await fx.http('/v1/kv/bin', { method: 'PUT', body: bytes });
    expect(Buffer.from(await (await fx.http('/v1/kv/bin?raw')).arrayBuffer())).toEqual(bytes);
  });

  it('lists with ?recurse and ?keys, and folds keys at ?separator', async () => {
    for (const key of ['cfg/a', 'cfg/b/x', 'cfg/b/y', 'other']) await fx.consul.kv.set(key, key);
    const all = await fx.consul.kv.get({ key: 'cfg/', recurse: true });
    expect(rows<{ Key: string; Value: string }>(all).map((e) => [e.Key, e.Value])).toEqual([['cfg/a', 'cfg/a'], ['cfg/b/x', 'cfg/b/x'], ['cfg/b/y', 'cfg/b/y']]);
    expect(await fx.consul.kv.keys('cfg/')).toEqual(['cfg/a', 'cfg/b/x', 'cfg/b/y']);
    expect(await fx.consul.kv.keys({ key: 'cfg/', separator: '/' })).toEqual(['cfg/a', 'cfg/b/']);
    expect(await fx.consul.kv.keys('')).toEqual(['cfg/a', 'cfg/b/x', 'cfg/b/y', 'other']);
    expect((await fx.http('/v1/kv/none/?recurse')).status).toBe(404);
  });

  it('refuses GET /v1/kv/ without ?recurse or ?keys (400 Missing key name)', async () => {
    const response = await fx.http('/v1/kv/');
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Missing key name');
  });

  it('percent-decodes keys: a%2Fb is the key a/b', async () => {
    await fx.http('/v1/kv/a%2Fb', { method: 'PUT', body: 'slash' });
    expect(await fx.consul.kv.get('a/b')).toMatchObject({ Key: 'a/b', Value: 'slash' });
    await fx.http('/v1/kv/sp%20ace', { method: 'PUT', body: 'x' });
    expect(await fx.consul.kv.keys('sp')).toEqual(['sp ace']);
  });

  // Consul answers a failed CAS or lock with the JSON body `false`, which the consul client hands back as undefined.
  it('answers a failed check-and-set with the JSON body false', async () => {
    await fx.consul.kv.set('taken', 'a');
    const response = await fx.http('/v1/kv/taken?cas=0', { method: 'PUT', body: 'b' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('false');
  });

  it('check-and-sets: cas=0 only creates, cas=N only replaces ModifyIndex N', async () => {
    expect(await fx.consul.kv.set({ key: 'lock', value: 'a', cas: 0 })).toBe(true);
    expect(await fx.consul.kv.set({ key: 'lock', value: 'b', cas: 0 })).toBeUndefined();
    const { ModifyIndex } = (await fx.consul.kv.get('lock')) as { ModifyIndex: number };
    expect(await fx.consul.kv.set({ key: 'lock', value: 'c', cas: ModifyIndex + 100 })).toBeUndefined();
    expect(await fx.consul.kv.set({ key: 'lock', value: 'c', cas: ModifyIndex })).toBe(true);
    expect((await fx.consul.kv.get('lock')).Value).toBe('c');
  });

  it('deletes a key, a prefix with ?recurse, and honours ?cas on delete', async () => {
    for (const key of ['t/1', 't/2', 'keep']) await fx.consul.kv.set(key, 'x');
    const { ModifyIndex } = (await fx.consul.kv.get('keep')) as { ModifyIndex: number };
    expect(await fx.consul.kv.del({ key: 'keep', cas: ModifyIndex + 1 })).toBeUndefined();
    expect(await fx.consul.kv.del({ key: 't/', recurse: true })).toBe(true);
    expect(await fx.consul.kv.keys('')).toEqual(['keep']);
    expect(await fx.consul.kv.del({ key: 'keep', cas: ModifyIndex })).toBe(true);
    expect((await fx.http('/v1/kv/?keys')).status).toBe(404);
  });

  it('keeps CreateIndex and moves ModifyIndex on update', async () => {
    await fx.consul.kv.set('k', '1');
    const first = (await fx.consul.kv.get('k')) as { CreateIndex: number; ModifyIndex: number };
    await fx.consul.kv.set('k', '2');
    const second = (await fx.consul.kv.get('k')) as { CreateIndex: number; ModifyIndex: number };
    expect(second.CreateIndex).toBe(first.CreateIndex);
    expect(second.ModifyIndex).toBeGreaterThan(first.ModifyIndex);
  });
});
