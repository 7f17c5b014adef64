import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnTs, waitFor, type ManagedProcess } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulDiscovery } from './consul.discovery.js';
import type { DiscoverySnapshot } from './discovery.source.js';
import type { DiscoveryLogger } from './discovery.logger.js';
import { buildRegistration } from './service-registration.js';
import { ServiceRegistrar } from './service.registrar.js';

// The main proof: ConsulDiscovery and ServiceRegistrar against the real registry process (apps/registry),
// started, SIGKILLed and restarted with and without its data directory.

const START_MS = 120_000; // a cold swc start on a busy 2-core machine is slow
const FAST_BACKOFF = { initialMs: 50, maxMs: 300 };

function startRegistry(port: number, dataDir: string): Promise<ManagedProcess> {
  const registry = spawnTs('apps/registry/src/main.ts', {
    name: 'registry',
    env: { REGISTRY_PORT: String(port), REGISTRY_HOST: '127.0.0.1', REGISTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  return registry.waitForHttp(`http://127.0.0.1:${port}/v1/status/leader`, START_MS).then(() => registry);
}

class RecordingLogger implements DiscoveryLogger {
  readonly lines: string[] = [];
  warn(_obj: Record<string, unknown>, msg: string): void {
    this.lines.push(`warn ${msg}`);
  }
  info(_obj: Record<string, unknown>, msg: string): void {
    this.lines.push(`info ${msg}`);
  }
}

/** Every snapshot a watcher got, with the time it arrived. */
class SnapshotLog {
  readonly entries: { at: number; snapshot: DiscoverySnapshot }[] = [];
  readonly listener = (snapshot: DiscoverySnapshot): void => {
    this.entries.push({ at: performance.now(), snapshot });
  };
  get last(): DiscoverySnapshot | undefined {
    return this.entries.at(-1)?.snapshot;
  }
  ids(): string[] {
    return this.last?.instances.map((i) => i.id) ?? [];
  }
}

describe('ConsulDiscovery + ServiceRegistrar against the real registry', () => {
  let port: number;
  let dataDir: string;
  let registry: ManagedProcess | undefined;
  let addr: string;
  const logger = new RecordingLogger();
  const staleEvents: [string, boolean][] = [];
  let discovery: ConsulDiscovery;
  let registrar: ServiceRegistrar;
  const users = new SnapshotLog();

  beforeAll(async () => {
    port = await freePort();
    dataDir = await mkdtemp(join(tmpdir(), 'meshway-discovery-'));
    registry = await startRegistry(port, dataDir);
    addr = `http://127.0.0.1:${port}`;
    discovery = new ConsulDiscovery({ addr, waitSeconds: 30, backoff: FAST_BACKOFF, logger, onStale: (s, stale) => staleEvents.push([s, stale]) });
    registrar = new ServiceRegistrar({ addr, backoff: FAST_BACKOFF, logger: new RecordingLogger() });
  }, START_MS);

  afterAll(async () => {
    await registrar.close();
    await discovery.close();
    await registry?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a watcher a new registration within a second, with its meta read into the instance', async () => {
    discovery.watch('users', users.listener);
    await waitFor(() => users.last, { message: 'first snapshot' });
    expect(users.last).toEqual({ service: 'users', instances: [], stale: false });
    const registration = buildRegistration({ name: 'users', id: 'users-a', address: '127.0.0.1', port: 3001, transport: 'nats', apiVersion: 'v2', weight: 7, check: { ttl: '3s' } });
    const before = performance.now();
    await registrar.register(registration);
    await waitFor(() => users.ids().includes('users-a'), { timeoutMs: 5_000, message: 'users-a seen by the watcher' });
    const seenAfterMs = users.entries.at(-1)!.at - before;
    expect(seenAfterMs).toBeLessThan(1_000);
    expect(users.last?.instances[0]).toMatchObject({ id: 'users-a', address: '127.0.0.1', port: 3001, transport: 'nats', version: 'v2', weight: 7 });
    expect(await discovery.resolve('users')).toEqual(users.last?.instances);
    expect(await discovery.services()).toEqual(['users']);
  });

  it('shares one blocking query between watchers of a service', () => {
    const second = new SnapshotLog();
    const stop = discovery.watch('users', second.listener);
    expect(second.ids()).toEqual(['users-a']);
    expect(discovery.stats().watches).toBe(1);
    stop();
  });

  it('tells service-list watchers when a service appears and goes', async () => {
    const seen: string[][] = [];
    const stop = discovery.watchServices((names) => seen.push([...names]));
    await waitFor(() => seen.length > 0);
    const orders = new ServiceRegistrar({ addr });
    await orders.register(buildRegistration({ name: 'orders', id: 'orders-a', address: '127.0.0.1', port: 3002, check: 'ttl' }));
    await waitFor(() => seen.at(-1)?.includes('orders'), { timeoutMs: 5_000 });
    await orders.deregister();
    await orders.close();
    await waitFor(() => seen.at(-1)?.join() === 'users', { timeoutMs: 5_000 });
    stop();
  });

  it('serves the last good answer with stale: true while the registry is killed (SIGKILL), logging once', async () => {
    await registry?.kill('SIGKILL');
    registry = undefined;
    await waitFor(() => users.last?.stale, { timeoutMs: 5_000, message: 'stale snapshot' });
    expect(users.ids()).toEqual(['users-a']);
    expect(await discovery.resolve('users')).toHaveLength(1);
    expect(discovery.stats().staleWatches).toBe(1);
    expect(staleEvents).toContainEqual(['users', true]);
    await new Promise((resolve) => setTimeout(resolve, 500)); // several failed attempts with a 50–300 ms backoff
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
  });

  it('resumes the watch (stale: false) when the registry restarts on the same data, keeping the registration', async () => {
    registry = await startRegistry(port, dataDir);
    await waitFor(() => users.last && !users.last.stale && users.ids().length > 0, { timeoutMs: 10_000, message: 'fresh snapshot after restart' });
    expect(users.ids()).toEqual(['users-a']);
    expect(staleEvents).toContainEqual(['users', false]);
    expect(logger.lines.filter((l) => l.startsWith('info'))).toHaveLength(1);
  }, START_MS);

  it('re-registers when the registry restarts without its data, and the watcher sees the instance again', async () => {
    await registry?.kill('SIGKILL');
    const emptyDir = await mkdtemp(join(tmpdir(), 'meshway-discovery-empty-'));
    try {
      registry = await startRegistry(port, emptyDir);
      // TTL 3 s: the registrar heartbeats every second; the first one after the restart gets 404 and registers again.
      await waitFor(() => users.last && !users.last.stale && users.ids().includes('users-a'), { timeoutMs: 10_000, message: 'users-a back after a data-less restart' });
      const catalog = (await (await fetch(`${addr}/v1/catalog/service/users`)).json()) as { ServiceID: string }[];
      expect(catalog.map((s) => s.ServiceID)).toEqual(['users-a']);
      expect(registrar.stats().registrations).toBeGreaterThanOrEqual(2);
    } finally {
      await registry?.kill('SIGKILL');
      registry = undefined;
      await rm(emptyDir, { recursive: true, force: true });
    }
  }, START_MS);
});
