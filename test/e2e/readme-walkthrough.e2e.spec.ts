import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, REPO_ROOT, spawnProcess, startNatsServer, waitFor, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The curl lines between the walkthrough markers of README.md, in order. */
function walkthrough(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- walkthrough:start');
  const end = readme.indexOf('<!-- walkthrough:end -->');
  return readme.slice(start, end).split('\n').filter((line) => line.startsWith('curl '));
}

/** What each README line must show, in README order: edit both together. */
const EXPECTED: ((output: string) => void)[] = [
  (out) => { expect(JSON.parse(out)).toMatchObject({ users: expect.any(Array), orders: expect.any(Array) }); },
  (out) => { expect(JSON.parse(out)).toEqual(expect.arrayContaining([expect.objectContaining({ id: '1', name: 'Ada Lovelace' })])); },
  (out) => { expect(JSON.parse(out)).toMatchObject({ id: expect.any(String), name: 'Grace Hopper', email: 'grace@example.com' }); },
  (out) => { expect(JSON.parse(out)).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'name' }, { field: 'email' }] } }); },
  (out) => { expect(JSON.parse(out)).toMatchObject({ id: expect.any(String), userId: '1', items: [{ sku: 'book', qty: 2 }] }); },
  (out) => { expect(JSON.parse(out)).toMatchObject({ error: { code: 'USER_NOT_FOUND' } }); },
  (out) => { expect(JSON.parse(out)).toMatchObject({ error: { code: 'MESHWAY_NO_ROUTE', requestId: expect.any(String) } }); },
  (out) => { expect((JSON.parse(out) as { routes: { path: string }[] }).routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/users', '/api/orders'])); },
  (out) => { expect(out).toMatch(/^meshway_gateway_requests_total\{.*route=.*\} \d+/m); },
];

/**
 * The admin token this run's `npm start` gets. Given through GATEWAY_ADMIN_TOKEN rather than left in `.meshway/admin-token`:
 * other tests (and a developer's own `npm start`) write that file in the same checkout. The README's
 * `$(cat .meshway/admin-token)` is replaced by it, as the ports are (admin-token.spec.ts covers the file).
 */
const ADMIN_TOKEN = randomBytes(24).toString('base64url');

/** The bash block between the `<!-- <name>-walkthrough:start … -->` and `…:end -->` markers of README.md. */
function readmeBlock(name: 'security' | 'release'): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf(`<!-- ${name}-walkthrough:start`), readme.indexOf(`<!-- ${name}-walkthrough:end -->`));
  return block.slice(block.indexOf('```bash\n') + '```bash\n'.length, block.lastIndexOf('```'));
}

/** Each `sides` of the release walkthrough: `uniq -c` lines (`     38 stable`) between two `npx meshway` lines, as counts. */
function sides(stdout: string): { stable: number; canary: number }[] {
  const found: { stable: number; canary: number }[] = [];
  let current: { stable: number; canary: number } | undefined;
  for (const line of stdout.split('\n')) {
    const count = /^\s*(\d+) (stable|canary)$/.exec(line);
    if (!count) {
      current = undefined;
      continue;
    }
    if (!current) found.push((current = { stable: 0, canary: 0 }));
    current[count[2] as 'stable' | 'canary'] = Number(count[1]);
  }
  return found;
}

interface Setup {
  readonly name: string;
  /** `npm start -- <args>`. */
  readonly args: readonly string[];
  /** Whether the start must print no warning at all (with NATS; without it, events say once that they are off). */
  readonly quiet: boolean;
  /** Starts what the platform needs and returns NATS_URL and the banner's transport line. */
  start(): Promise<{ readonly natsUrl: string; readonly transportLine: RegExp; stop(): Promise<void> }>;
}

const SETUPS: readonly Setup[] = [
  {
    name: 'with NATS',
    args: [],
    quiet: true,
    async start() {
      // A private NATS, so this platform's orders never answers another test's requests (same subjects, same queue group).
      const nats: StartedNatsServer = await startNatsServer({ jetStream: true });
      return { natsUrl: nats.url, transportLine: new RegExp(`Transport: NATS reachable at ${nats.url.replace(/\./g, '\\.')} — NATS services answer over NATS`), stop: () => nats.stop() };
    },
  },
  {
    // Issue #11: `npm ci && npm start` on a machine without nats-server runs everything over HTTP.
    name: 'with NATS unreachable (MESHWAY_TRANSPORT=auto → HTTP), and a users 2.0.0 canary (--canary users=2.0.0)',
    args: ['--canary', 'users=2.0.0'],
    quiet: false,
    async start() {
      const closed = `nats://127.0.0.1:${String(await freePort())}`;
      return { natsUrl: closed, transportLine: /Transport: HTTP \(NATS not reachable at nats:\/\/127\.0\.0\.1:\d+: .*\) — NATS services serve their handlers over HTTP; events are off/, stop: () => Promise.resolve() };
    },
  },
];

// `npm start`'s orchestrator, as a user runs it, on free ports; then the README's curl lines, verbatim but for the ports,
// run by a shell in the repository (as a user pastes them).
describe.each(SETUPS)('README walk-through against `npm start` $name', (setup) => {
  let dev: ManagedProcess;
  let platform: Awaited<ReturnType<Setup['start']>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'meshway-readme-'));
  const ports = new Map<string, string>();

  beforeAll(async () => {
    for (const fixed of ['8500', '8080', '8081']) ports.set(fixed, String(await freePort()));
    platform = await setup.start();
    dev = spawnProcess({
      name: 'npm-start',
      command: process.execPath,
      args: ['tools/dev/bin/meshway-dev.mjs', ...setup.args],
      cwd: REPO_ROOT,
      env: {
        REGISTRY_PORT: ports.get('8500') ?? '',
        GATEWAY_PORT: ports.get('8080') ?? '',
        GATEWAY_ADMIN_PORT: ports.get('8081') ?? '',
        REGISTRY_DATA_DIR: dataDir,
        NATS_URL: platform.natsUrl,
        MESHWAY_TRANSPORT: 'auto',
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
      },
    });
    await dev.waitForLine(/Meshway ready in \d+ ms/, 170_000);
  }, 180_000);

  afterAll(async () => {
    await dev.kill('SIGKILL');
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a banner with every component, the transport in use and where the admin token is', () => {
    const out = dev.output();
    for (const name of ['registry', 'users', 'orders', 'gateway']) expect(out).toMatch(new RegExp(`^\\s*${name}\\s+http://127\\.0\\.0\\.1:\\d+`, 'm'));
    expect(out).toMatch(platform.transportLine);
    expect(out).toContain('Admin API token: GATEWAY_ADMIN_TOKEN from your environment');
    if (setup.quiet) expect(out).not.toMatch(/"level":(?:40|50)|\bWARN\b|\bERROR\b/);
  });

  it('has as many expectations as the README has curl lines', () => {
    expect(walkthrough()).toHaveLength(EXPECTED.length);
  });

  it('answers every curl line of the README as documented', async () => {
    // Announced routes reach the gateway within a second of registration: wait until both are in its table.
    await waitFor(async () => {
      const table = await (await fetch(`http://127.0.0.1:${ports.get('8081') ?? ''}/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
      return table.includes('"/api/users"') && table.includes('"/api/orders"');
    }, { timeoutMs: 20_000 }).catch((error: unknown) => {
      throw new Error(`the gateway did not list /api/users and /api/orders; npm start said, last:\n${dev.output().split('\n').slice(-40).join('\n')}`, { cause: error });
    });
    for (const [i, line] of walkthrough().entries()) {
      const local = line.replace(/127\.0\.0\.1:(8500|8080|8081)/g, (_, port: string) => `127.0.0.1:${ports.get(port) ?? port}`).replaceAll('$(cat .meshway/admin-token)', ADMIN_TOKEN);
      const { stdout } = await run('sh', ['-c', local], { cwd: REPO_ROOT, timeout: 10_000 });
      try {
        EXPECTED[i]?.(stdout);
      } catch (error) {
        throw new Error(`README line ${String(i + 1)}: ${line}\n-> ${stdout.slice(0, 500)}\n${String(error)}`, { cause: error });
      }
    }
  });

  // Once is enough (the same gateway either way): in the run with NATS.
  it.runIf(setup.quiet)('protects users with an API key and a rate limit as the README\'s Security section shows, live', async () => {
    const script = readmeBlock('security').replace(/127\.0\.0\.1:8080/g, `127.0.0.1:${ports.get('8080') ?? ''}`);
    const { stdout } = await run('bash', ['-c', script], { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, MESHWAY_ADMIN_URL: `http://127.0.0.1:${ports.get('8081') ?? ''}`, GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN } });
    const refused = /\{"error":\{"code":"MESHWAY_UNAUTHENTICATED"[^\n]*\}\}/.exec(stdout);
    expect(refused, stdout).not.toBeNull();
    expect(stdout).toMatch(/\{"id":"1","name":"Ada Lovelace","email":"ada@example\.com"\}/);
    expect(stdout.trimEnd().endsWith('200 200 200 200 429'), stdout).toBe(true);
  });

  // In the run started with --canary users=2.0.0.
  it.runIf(setup.args.length > 0)('releases users 2.0.0 as a canary as the README\'s Releases section shows: 5 %, 50 %, 100 %, back to 0, ended', async () => {
    const script = readmeBlock('release').replace(/127\.0\.0\.1:8080/g, `127.0.0.1:${ports.get('8080') ?? ''}`);
    const { stdout } = await run('bash', ['-c', script], { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, MESHWAY_ADMIN_URL: `http://127.0.0.1:${ports.get('8081') ?? ''}`, GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN } });
    expect(stdout).toContain('users: stable 1.x 95 % · canary 2.x 5 % · sticky header:x-user · active');
    const [five, fifty, all, none] = sides(stdout);
    expect(five?.canary ?? 0, stdout).toBeLessThanOrEqual(8);
    expect(five?.stable, stdout).toBeGreaterThanOrEqual(32);
    expect(fifty?.canary, stdout).toBeGreaterThanOrEqual(8);
    expect(fifty?.stable, stdout).toBeGreaterThanOrEqual(8);
    expect(all, stdout).toEqual({ stable: 0, canary: 40 });
    expect(none, stdout).toEqual({ stable: 40, canary: 0 });
    expect(stdout.trimEnd().endsWith('release of users ended'), stdout).toBe(true);
  });

  it('stops everything on Ctrl-C within 5 s and exits 0', async () => {
    const since = Date.now();
    process.kill(dev.pid, 'SIGINT');
    expect(await dev.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - since).toBeLessThan(5_000);
  });
});
