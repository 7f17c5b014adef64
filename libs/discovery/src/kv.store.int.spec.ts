import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnTs, waitFor, type ManagedProcess } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulKv } from './consul.kv.js';
import type { KeyValueStore, KvSnapshot } from './kv.store.js';
import { MemoryKv } from './memory.kv.js';

// One contract, two stores: MemoryKv must behave like the real registry's KV through ConsulKv.

let registry: ManagedProcess;
let dataDir: string;
let addr: string;
const stores: KeyValueStore[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'meshway-kv-'));
  const port = await freePort();
  registry = spawnTs('apps/registry/src/main.ts', { name: 'registry', env: { REGISTRY_PORT: String(port), REGISTRY_HOST: '127.0.0.1', REGISTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  addr = `http://127.0.0.1:${port}`;
  await registry.waitForHttp(`${addr}/v1/status/leader`, 120_000);
}, 130_000);

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await registry.kill();
  await rm(dataDir, { recursive: true, force: true });
});

const implementations: [string, () => KeyValueStore][] = [
  ['MemoryKv', () => new MemoryKv()],
  ['ConsulKv on the registry', () => new ConsulKv({ addr, waitSeconds: 5 })],
];

describe.each(implementations)('%s', (name, make) => {
  let kv: KeyValueStore;
  const prefix = `spec/${name.replace(/\W+/g, '-')}/`;

  beforeAll(() => {
    kv = make();
    stores.push(kv);
  });

  it('writes, lists under a prefix (sorted by key) and deletes', async () => {
    expect(await kv.set(`${prefix}b`, 'two')).toBe(true);
    expect(await kv.set(`${prefix}a`, 'one')).toBe(true);
    expect(await kv.set('elsewhere/x', 'no')).toBe(true);
    expect((await kv.list(prefix)).map((e) => [e.key, e.value])).toEqual([[`${prefix}a`, 'one'], [`${prefix}b`, 'two']]);
    expect(await kv.delete(`${prefix}b`)).toBe(true);
    expect((await kv.list(prefix)).map((e) => e.key)).toEqual([`${prefix}a`]);
  });

  it('writes with cas only when nobody wrote since (0: only if absent)', async () => {
    const key = `${prefix}cas`;
    expect(await kv.set(key, 'first', { cas: 0n })).toBe(true);
    expect(await kv.set(key, 'again', { cas: 0n })).toBe(false);
    const [entry] = await kv.list(key);
    expect(await kv.set(key, 'second', { cas: entry!.modifyIndex })).toBe(true);
    expect(await kv.set(key, 'stale', { cas: entry!.modifyIndex })).toBe(false);
    expect((await kv.list(key))[0]?.value).toBe('second');
  });

  it('tells a prefix watcher the entries now, then every change', async () => {
    const seen: KvSnapshot[] = [];
    const stop = kv.watch(`${prefix}watched/`, (snapshot) => seen.push(snapshot));
    await waitFor(() => seen.length >= 1, { timeoutMs: 10_000 });
    expect(seen[0]?.entries).toEqual([]);
    await kv.set(`${prefix}watched/release`, '{"weight":5}');
    await waitFor(() => seen.at(-1)?.entries.length === 1, { timeoutMs: 10_000 });
    expect(seen.at(-1)).toMatchObject({ stale: false, entries: [{ key: `${prefix}watched/release`, value: '{"weight":5}' }] });
    stop();
  });
});
