import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../spec/memory.logger.js';
import { startFixture, tempDataDir, type RegistryFixture } from '../spec/registry.fixture.js';

const consulIndex = async (fx: RegistryFixture, path: string): Promise<number> => Number((await fx.http(path)).headers.get('x-consul-index'));

describe('durability across restarts', () => {
  const dirs: string[] = [];
  let fx: RegistryFixture | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = (): string => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };

  it('brings back services, check statuses, KV entries and sessions, and indexes only grow', async () => {
    const dir = dataDir();
    fx = await startFixture({ dataDir: dir });
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 80, tags: ['v1'], check: { ttl: '1h' } });
    await fx.consul.agent.check.warn({ id: 'service:web-1', note: 'slow' });
    await fx.consul.kv.set({ key: 'cfg/flag', value: 'on', flags: 7 });
    const session = (await fx.consul.session.create({ name: 's', ttl: '60s' })).ID as string;
    await fx.consul.kv.set({ key: 'cfg/lock', value: 'me', acquire: session });
    const serviceIndex = await consulIndex(fx, '/v1/health/service/web');
    const kvIndex = await consulIndex(fx, '/v1/kv/cfg/?recurse');
    await fx.stop({ keepData: true });

    fx = await startFixture({ dataDir: dir });
    expect(fx.registry.recoveredFrom).toBe('database');
    const [entry] = await fx.consul.health.service('web');
    expect(entry).toMatchObject({ Service: { ID: 'web-1', Port: 80, Tags: ['v1'] } });
    expect(entry.Checks[1]).toMatchObject({ CheckID: 'service:web-1', Status: 'warning', Output: 'slow' });
    expect(await fx.consul.kv.get('cfg/flag')).toMatchObject({ Value: 'on', Flags: 7 });
    expect(await fx.consul.kv.get('cfg/lock')).toMatchObject({ Session: session, LockIndex: 1 });
    expect(await fx.consul.session.info(session)).toMatchObject({ ID: session, TTL: '60s' });
    expect(await consulIndex(fx, '/v1/health/service/web')).toBe(serviceIndex);
    expect(await consulIndex(fx, '/v1/kv/cfg/?recurse')).toBe(kvIndex);
    await fx.consul.kv.set('cfg/flag', 'off');
    expect(await consulIndex(fx, '/v1/kv/cfg/?recurse')).toBeGreaterThan(kvIndex);
  });

  it('recovers from the last checkpoint when the database files are damaged, and logs it', async () => {
    const dir = dataDir();
    fx = await startFixture({ dataDir: dir });
    await fx.consul.kv.set('survivor', 'yes');
    await fx.stop({ keepData: true });
    // Overwrite both LMDB meta pages: the environment cannot be opened any more.
    const fd = openSync(join(dir, 'db', 'data.mdb'), 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xab), 0, 8192, 0);
    closeSync(fd);

    const logger = memoryLogger();
    fx = await startFixture({ dataDir: dir, logger });
    expect(fx.registry.recoveredFrom).toBe('checkpoint');
    expect(await fx.consul.kv.get('survivor')).toMatchObject({ Value: 'yes' });
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.fields['code'])).toEqual(['MESHWAY_REGISTRY_STORE_CORRUPT', 'MESHWAY_REGISTRY_STORE_CORRUPT']);
    expect(errors[1]?.message).toContain('recovered the registry from its last checkpoint');
  });

  it('after an unclean stop, probes the files first: damaged data pages lead to the checkpoint, not a crash', async () => {
    const dir = dataDir();
    fx = await startFixture({ dataDir: dir });
    for (let i = 0; i < 50; i++) await fx.consul.kv.set(`key/${i}`, String(i));
    await fx.stop({ keepData: true });
    // Garbage over every page after the two meta pages, and no clean-shutdown marker (as after kill -9).
    const file = join(dir, 'db', 'data.mdb');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size - 8192, 0x5a), 0, size - 8192, 8192);
    closeSync(fd);
    rmSync(join(dir, 'clean-shutdown'));

    const logger = memoryLogger();
    fx = await startFixture({ dataDir: dir, logger });
    expect(fx.registry.recoveredFrom).toBe('checkpoint');
    expect(await fx.consul.kv.keys('key/')).toHaveLength(50);
    expect(logger.lines[0]).toMatchObject({ level: 'error', fields: { code: 'MESHWAY_REGISTRY_STORE_CORRUPT', error: expect.stringContaining('crashed a probe process') } });
  });

  it('starts empty, loudly, when neither the database nor a checkpoint can be read', async () => {
    const dir = dataDir();
    fx = await startFixture({ dataDir: dir });
    await fx.stop({ keepData: true });
    rmSync(join(dir, 'checkpoint'), { recursive: true, force: true });
    const fd = openSync(join(dir, 'db', 'data.mdb'), 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xcd), 0, 8192, 0);
    closeSync(fd);
    const logger = memoryLogger();
    fx = await startFixture({ dataDir: dir, logger });
    expect(fx.registry.recoveredFrom).toBe('empty');
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('starts EMPTY'))).toBe(true);
  });

  it('skips a damaged record, logs it, and keeps the rest', async () => {
    const dir = dataDir();
    fx = await startFixture({ dataDir: dir });
    await fx.consul.kv.set('good', '1');
    await fx.stop({ keepData: true });
    const env = open({ path: join(dir, 'db') });
    env.openDB<Buffer, string>('kv', { encoding: 'binary' }).putSync('bad', Buffer.from('{"Key":"bad", truncated'));
    await env.close();

    const logger = memoryLogger();
    fx = await startFixture({ dataDir: dir, logger });
    expect(await fx.consul.kv.keys('')).toEqual(['good']);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ code: 'MESHWAY_REGISTRY_RECORD_CORRUPT', table: 'kv', key: 'bad' }) }));
  });
});
