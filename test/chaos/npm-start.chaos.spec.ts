import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, spawnProcess, startNatsServer, waitFor, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';
import { descendants } from '../support/process-tree.js';
import { LoadLoop, probe, type Outcome } from './chaos.client.js';

/** The Node process that runs one app's entry (not its npm or shell wrappers). */
function pidsOf(root: number, app: string): number[] {
  return descendants(root).filter((p) => p.command.includes(`apps/${app}/dist/main.js`) && p.command.startsWith(process.execPath)).map((p) => p.pid);
}

function report(name: string, outcomes: readonly Outcome[], started: number): void {
  const failed = outcomes.filter((o) => o.status !== 200);
  const seconds = (Date.now() - started) / 1000;
  console.log(`${name}: ${outcomes.length} GETs in ${seconds.toFixed(1)} s (${(outcomes.length / seconds).toFixed(0)}/s), ${failed.length} failed, slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`);
}

// The way a user tries it: `npm start -- --replicas users=3`, steady GETs through the gateway, then kill -9 any one process.
describe('npm start heals: kill -9 a users instance, then the registry, under steady load', () => {
  let dev: ManagedProcess;
  let nats: StartedNatsServer;
  let gateway: string;
  let registry: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'meshway-heal-'));

  beforeAll(async () => {
    const [registryPort, gatewayPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    nats = await startNatsServer();
    gateway = `http://127.0.0.1:${gatewayPort}`;
    registry = `http://127.0.0.1:${registryPort}`;
    dev = spawnProcess({
      name: 'npm-start',
      command: process.execPath,
      args: ['tools/dev/bin/meshway-dev.mjs', '--replicas', 'users=3'],
      cwd: REPO_ROOT,
      env: { REGISTRY_PORT: String(registryPort), GATEWAY_PORT: String(gatewayPort), GATEWAY_ADMIN_PORT: String(adminPort), REGISTRY_DATA_DIR: dataDir, NATS_URL: nats.url, LOG_LEVEL: 'warn' },
    });
    await dev.waitForLine(/Meshway ready in \d+ ms/, 170_000);
    await waitFor(async () => {
      const seen = new Set<string | null>();
      for (let i = 0; i < 12; i++) seen.add((await probe(gateway, '/api/users')).instance);
      return seen.size === 3;
    }, { timeoutMs: 30_000, message: 'the gateway balances across three users instances' });
  }, 240_000);

  afterAll(async () => {
    await dev.kill('SIGTERM', 8_000);
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no GET when a users instance is killed, and has it back, restarted and serving, within 10 s', async () => {
    const [victim] = pidsOf(dev.pid, 'users');
    expect(victim).toBeDefined();
    const started = Date.now();
    const load = new LoadLoop(gateway, ['/api/users', '/api/users/1'], 4, 5);
    let outcomes: readonly Outcome[];
    try {
      await sleep(500);
      process.kill(victim!, 'SIGKILL');
      const killedAt = Date.now();
      const back = await waitFor(() => /users#\d restarted \(attempt 1\) and healthy/.exec(dev.output())?.[0], { timeoutMs: 15_000, message: 'npm start restarts the killed instance' });
      console.log(`${back} ${Date.now() - killedAt} ms after the kill`);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      await waitFor(() => pidsOf(dev.pid, 'users').length === 3, { timeoutMs: 5_000 });
      await sleep(1_000);
    } finally {
      outcomes = await load.stop();
    }
    report('users instance killed', outcomes, started);
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(100);
    const late = new Set(outcomes.filter((o) => o.at > Date.now() - 800).map((o) => o.instance));
    expect(late.size).toBeGreaterThanOrEqual(2);
  });

  it('loses no GET when the registry is killed, which comes back with its state', async () => {
    const [victim] = pidsOf(dev.pid, 'registry');
    expect(victim).toBeDefined();
    const before = (await (await fetch(`${registry}/v1/health/service/users?passing`)).json()) as unknown[];
    expect(before).toHaveLength(3);
    const started = Date.now();
    const load = new LoadLoop(gateway, ['/api/users', '/api/users/1'], 4, 5);
    let outcomes: readonly Outcome[];
    try {
      await sleep(300);
      process.kill(victim!, 'SIGKILL');
      await waitFor(() => /registry restarted \(attempt 1\) and healthy/.test(dev.output()), { timeoutMs: 15_000, message: 'npm start restarts the registry' });
      await waitFor(async () => ((await (await fetch(`${registry}/v1/health/service/users?passing`)).json()) as unknown[]).length === 3, { timeoutMs: 15_000, message: 'the registry still knows the three users instances' });
      await sleep(500);
    } finally {
      outcomes = await load.stop();
    }
    report('registry killed', outcomes, started);
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
  });
});
