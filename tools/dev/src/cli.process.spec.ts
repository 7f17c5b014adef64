import { fileURLToPath } from 'node:url';
import { REPO_ROOT, spawnProcess, stopAllProcesses, type ManagedProcess } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_APPS, fixtureEnv, pidsIn } from './fixtures/fixture.apps.js';
import { processAlive } from '@meshway/process';

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

/** The pids one instance printed: its own and its grandchild's (`fixture <c> ready pid=… grandchild=…`). */
function pidsOf(output: string, name: string): number[] {
  const line = new RegExp(`^${name.replace('#', '\\#')} +\\| fixture \\S+ ready pid=(\\d+) port=\\S+ grandchild=(\\d+|-)`, 'm').exec(output);
  return [line?.[1], line?.[2]].filter((p): p is string => p !== undefined && p !== '-').map(Number);
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
    expect(output).toMatch(/^ Transport: HTTP \(NATS not reachable at nats:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\) — NATS services serve their handlers over HTTP; events are off$/m);
    expect(output).toMatch(/^ Restarts: a component that exits is restarted after 0\.5 s, doubling to 10 s \(back to 0\.5 s once up 30 s\); 5 exits within 60 s stop everything$/m);
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

  it('restarts a component killed with SIGKILL after ready, on the same port, leaving the others untouched', async () => {
    const dev = await meshwayDev(['--replicas', 'users=2']);
    await dev.waitForLine(/Meshway ready in/, 25_000);
    const ready = dev.output();
    const port = Number(/^users#2 +\| fixture users ready pid=\d+ port=(\d+)/m.exec(ready)?.[1]);
    const [victim = 0, grandchild = 0] = pidsOf(ready, 'users#2');
    const others = ['registry', 'orders', 'users#1', 'gateway'].flatMap((name) => pidsOf(ready, name));
    expect(others.length).toBeGreaterThanOrEqual(4);

    process.kill(victim, 'SIGKILL');
    const healed = await dev.waitForLine(/users#2 restarted \(attempt 1\) and healthy in \d+ ms/, 15_000);
    expect(healed).toMatch(/^meshway +\| users#2 restarted \(attempt 1\) and healthy in \d+ ms$/);
    const output = dev.output();
    expect(output).toMatch(/^meshway +\| users#2 was killed by SIGKILL: restarting in 500 ms \(attempt 1\)$/m);
    const after = output.slice(ready.length);
    expect(after).toMatch(new RegExp(`^users#2 +\\| fixture users ready pid=\\d+ port=${port} `, 'm'));
    expect(processAlive(grandchild), 'the dead instance\'s grandchild is ended before the restart').toBe(false);
    for (const pid of others) expect(processAlive(pid), `pid ${pid} of another component`).toBe(true);
    expect(after).not.toMatch(/fixture (registry|orders|users|gateway) stopping/);
    expect(after).not.toContain('stopping everything');

    const { code, ms } = await stopWith(dev, 'SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    for (const pid of pidsIn(dev.output())) expect(processAlive(pid), `pid ${pid} is still running`).toBe(false);
  });

  it('restarts nothing when stopped during a backoff wait, and still exits 0 within 5 s', async () => {
    const dev = await meshwayDev(['--only', 'registry,users'], { MESHWAY_FIXTURE_DIE: 'users' });
    await dev.waitForLine(/users exited with code 1: restarting in 1000 ms \(attempt 2\)/, 25_000);
    const { code, ms } = await stopWith(dev, 'SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(dev.output()).not.toContain('restarted (attempt 2)');
    for (const pid of pidsIn(dev.output())) expect(processAlive(pid), `pid ${pid} is still running`).toBe(false);
  });

  it('exits 1 when a component keeps dying after ready (5 exits within 60 s), naming it and stopping everything else', async () => {
    const dev = await meshwayDev(['--only', 'registry,users'], { MESHWAY_FIXTURE_DIE: 'users' });
    const exit = await dev.exited;
    expect(exit.code).toBe(1);
    const output = dev.output();
    expect(output).toContain('Meshway ready in');
    expect([...output.matchAll(/users exited with code 1: restarting in (\d+) ms/g)].map((m) => Number(m[1]))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(output).toMatch(/users exited with code 1: 5 exits within 60 s, giving up\n/);
    expect(output).toContain('meshway: users exited with code 1 after start: stopping everything [MESHWAY_DEV_CHILD_DIED]');
    expect(output).toContain('  users | fixture users: simulated crash after ready');
    expect(output).toContain('registry | fixture registry stopping');
    // The dead fixture's grandchild was orphaned to PID 1 before the group SIGTERM ended it; see processAlive.
    for (const pid of pidsIn(output)) expect(processAlive(pid), `pid ${pid} is still running`).toBe(false);
  }, 40_000);

  it('exits 2 with a clear message for an unknown --only name', async () => {
    const dev = await meshwayDev(['--only', 'registry,billing']);
    expect((await dev.exited).code).toBe(2);
    expect(dev.output()).toContain('meshway: unknown component "billing". Valid names: gateway, orders, registry, users. [MESHWAY_DEV_UNKNOWN_COMPONENT]');
  });
});
