import { fileURLToPath } from 'node:url';
import { REPO_ROOT, spawnProcess, stopAllProcesses, type ManagedProcess } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_APPS, fixtureEnv, pidsIn } from './fixtures/fixture.apps.js';
import { processAlive } from './process-group.js';

const BIN = fileURLToPath(new URL('../bin/meshway-dev.mjs', import.meta.url));

/** `npm start -- <args>` against the fixture apps, on free ports. */
async function meshwayDev(args: string[], extraEnv: Record<string, string> = {}): Promise<ManagedProcess> {
  const env = await fixtureEnv(extraEnv);
  return spawnProcess({ name: 'meshway-dev', command: process.execPath, args: [BIN, '--apps-dir', FIXTURE_APPS, ...args], env, cwd: REPO_ROOT });
}

/** Sends `signal` and resolves the exit and how long it took. */
async function stopWith(dev: ManagedProcess, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  process.kill(dev.pid, signal);
  const exit = await dev.exited;
  return { code: exit.code, ms: Date.now() - started };
}

/** Strictly gone: `kill(pid, 0)` → ESRCH. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

afterEach(async () => {
  await stopAllProcesses();
});

describe('npm start (bin/meshway-dev.mjs)', () => {
  it('prints the banner with every URL, and on SIGINT exits 0 within 5 s leaving no process of its tree', async () => {
    const dev = await meshwayDev(['--replicas', 'users=2']);
    await dev.waitForLine(/Meshway ready in \d+ ms/, 25_000);
    const output = dev.output();
    expect(output).toMatch(/^ {3}registry {2}http:\/\/127\.0\.0\.1:\d+\/v1\/catalog\/services {2}catalog$/m);
    expect(output).toMatch(/^ {13}http:\/\/127\.0\.0\.1:\d+\/ui {2,}dashboard$/m);
    expect(output).toMatch(/^ {3}users#1 {3}http:\/\/127\.0\.0\.1:\d+ +service \(http\)$/m);
    expect(output).toMatch(/^ {3}users#2 {3}http:\/\/127\.0\.0\.1:\d+ +service \(http\)$/m);
    expect(output).toMatch(/^ {13}http:\/\/127\.0\.0\.1:\d+\/routes$/m);
    expect(output).toMatch(/^ Transport: HTTP \(NATS not reachable at nats:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\)$/m);
    expect(output).toMatch(/^users#2 {2}\| grandchild pid=\d+$/m);
    const tree = pidsIn(output);
    expect(tree).toHaveLength(5 + 3); // registry, orders, users#1, users#2, gateway + a grandchild per service instance

    const { code, ms } = await stopWith(dev, 'SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(dev.output()).toMatch(/meshway: SIGINT received: stopping everything\n(.|\n)*meshway: stopped in \d+ ms/);
    for (const pid of [dev.pid, ...tree]) expect(gone(pid), `pid ${pid} is still there`).toBe(true);
  });

  it('SIGKILLs, after the 4 s grace, a component that ignores SIGTERM, and still exits 0 within 5 s with no survivor', async () => {
    const dev = await meshwayDev(['--only', 'users'], { MESHWAY_FIXTURE_STUBBORN: 'users' });
    await dev.waitForLine(/Meshway ready in/, 25_000);
    const { code, ms } = await stopWith(dev, 'SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(3_900);
    expect(ms).toBeLessThan(5_000);
    expect(dev.output()).toContain('meshway: killed after the grace period: users');
    // The grandchild outlives its SIGKILLed parent by a moment and is reparented to PID 1; where PID 1
    // never reaps (this sandbox) it lingers as a zombie: dead, but still answering kill(pid, 0).
    for (const pid of [dev.pid, ...pidsIn(dev.output())]) expect(processAlive(pid), `pid ${pid} is still running`).toBe(false);
  });

  it('exits 1 and prints the last lines of a component that crashes on start, stopping the rest', async () => {
    const dev = await meshwayDev([], { MESHWAY_FIXTURE_CRASH: 'orders' });
    const exit = await dev.exited;
    expect(exit.code).toBe(1);
    const output = dev.output();
    expect(output).toContain('meshway: orders exited with code 3 before it was healthy. [MESHWAY_DEV_EXITED_DURING_START]');
    expect(output).toMatch(/meshway: last 3 lines of orders:\n {2}orders \| fixture orders \(service\) starting pid=\d+\n {2}orders \| orders: loading config\n {2}orders \| Error: fixture orders crashed on start\n/);
    expect(output).not.toContain('Meshway ready');
    // A sibling stopped mid-start may die before its grandchild (orphaned to PID 1); see processAlive.
    for (const pid of pidsIn(output)) expect(processAlive(pid), `pid ${pid} is still running`).toBe(false);
  });

  it('exits 1 when a component dies after ready, naming it and stopping everything else', async () => {
    const dev = await meshwayDev(['--only', 'registry,users'], { MESHWAY_FIXTURE_DIE: 'users' });
    const exit = await dev.exited;
    expect(exit.code).toBe(1);
    const output = dev.output();
    expect(output).toContain('Meshway ready in');
    expect(output).toContain('meshway: users exited with code 1 after start: stopping everything [MESHWAY_DEV_CHILD_DIED]');
    expect(output).toContain('  users | fixture users: simulated crash after ready');
    expect(output).toContain('registry | fixture registry stopping');
    // The dead fixture's grandchild was orphaned to PID 1 before the group SIGTERM ended it; see processAlive.
    for (const pid of pidsIn(output)) expect(processAlive(pid), `pid ${pid} is still running`).toBe(false);
  });

  it('exits 2 with a clear message for an unknown --only name', async () => {
    const dev = await meshwayDev(['--only', 'registry,billing']);
    expect((await dev.exited).code).toBe(2);
    expect(dev.output()).toContain('meshway: unknown component "billing". Valid names: gateway, orders, registry, users. [MESHWAY_DEV_UNKNOWN_COMPONENT]');
  });
});
