import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, REPO_ROOT, spawnTs, waitFor, type ManagedProcess } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const PROBE = 'e2e-probe';
/** NATS services with durable events, generated beside the HTTP probe: their own specs run on a private nats-server -js. */
const EVENT_PROBES = { 'e2e-pub-probe': 'publish', 'e2e-sub-probe': 'consume' } as const;
const ALL_PROBES = [PROBE, ...Object.keys(EVENT_PROBES)];
const GROUPS = ['apps', 'libs', 'tools', 'test', 'bench'];
/** node_modules entries tools write into: kept local to the copy, never shared with the real tree. */
const LOCAL_ONLY = new Set(['@meshway', '.vite', '.vitest', '.cache']);

/** The workspace as a developer sees it (tracked and new, not ignored, files); node_modules shared by symlink. */
function copyWorkspace(into: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  for (const file of listed.split('\0').filter(Boolean)) {
    const from = join(REPO_ROOT, file);
    if (ALL_PROBES.some((probe) => file.startsWith(`apps/${probe}/`)) || !existsSync(from)) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(from, join(into, file));
  }
  mkdirSync(join(into, 'node_modules', '@meshway'), { recursive: true });
  for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (!LOCAL_ONLY.has(entry)) symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(into, 'node_modules', entry));
  }
  linkWorkspacePackages(into);
}

/** What `npm install` does for workspace packages: node_modules/@meshway/<x> → the copy's own project folder. */
function linkWorkspacePackages(root: string): void {
  const dirs = GROUPS.flatMap((group) => {
    if (existsSync(join(root, group, 'package.json'))) return [group];
    if (!existsSync(join(root, group))) return [];
    return readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, 'package.json')))
      .map((entry) => `${group}/${entry.name}`);
  });
  for (const dir of dirs) {
    const { name } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string };
    const link = join(root, 'node_modules', name);
    if (name.startsWith('@meshway/') && !existsSync(link)) symlinkSync(join('..', '..', dir), link);
  }
}

/** Runs a workspace binary in the copy; resolves with its output, rejects with the output when it fails. */
async function bin(root: string, name: string, args: string[], cwd = root): Promise<string> {
  // A child Vitest must not think it is a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  try {
    const { stdout, stderr } = await exec(join(root, 'node_modules', '.bin', name), args, {
      cwd,
      env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${name} ${args.join(' ')} failed:\n${stdout}\n${stderr}`.slice(-6_000), { cause: error });
  }
}

/** A command already running; awaiting it never rejects, so it can start before the test that checks it. */
function started(command: Promise<string>): Promise<{ ok: boolean; output: string }> {
  return command.then(
    (output) => ({ ok: true, output }),
    (error: unknown) => ({ ok: false, output: error instanceof Error ? error.message : String(error) }),
  );
}

/** The generated package's own `build` script (swc), run from its folder as `npm run build` would. */
function buildScript(root: string): Promise<string> {
  const { scripts } = JSON.parse(readFileSync(join(root, 'apps', PROBE, 'package.json'), 'utf8')) as { scripts: { build: string } };
  const [command = '', ...args] = scripts.build.split(' ');
  return bin(root, command, args, join(root, 'apps', PROBE));
}

describe('nx g @meshway/nx:service, for real, in a copy of this workspace', () => {
  let root: string;
  let generated: string;
  let checks: Record<'tests' | 'typecheck' | 'lint' | 'build', Promise<{ ok: boolean; output: string }>> | undefined;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'meshway-gen-e2e-'));
    copyWorkspace(root);
    generated = await bin(root, 'nx', ['g', '@meshway/nx:service', PROBE, '--transport=http', '--no-interactive']);
    for (const [name, events] of Object.entries(EVENT_PROBES)) {
      generated += await bin(root, 'nx', ['g', '@meshway/nx:service', name, '--transport=nats', `--events=${events}`, '--no-interactive']);
    }
    // Instead of `npm install` (slow, and it would write through the shared node_modules): link the new packages.
    linkWorkspacePackages(root);
    const include = ALL_PROBES.flatMap((probe) => [`apps/${probe}/src/**/*.ts`, `apps/${probe}/vitest.config.ts`]);
    writeFileSync(join(root, 'tsconfig.probe.json'), JSON.stringify({ extends: './tsconfig.json', include }));
    // The three checks run side by side: on an idle 2-core machine the whole spec takes well under 90 s;
    // the generous timeouts only keep a loaded CI machine from failing it.
    checks = {
      tests: started(bin(root, 'vitest', ['run', ...ALL_PROBES.flatMap((probe) => ['--project', probe])])),
      typecheck: started(bin(root, 'tsc', ['-p', 'tsconfig.probe.json'])),
      lint: started(bin(root, 'eslint', ['--max-warnings=0', ...ALL_PROBES.map((probe) => `apps/${probe}`)])),
      build: started(buildScript(root)),
    };
  }, 30_000);

  afterAll(async () => {
    if (checks) await Promise.all(Object.values(checks));
    if (root) rmSync(root, { recursive: true, force: true });
  }, 180_000);

  it('creates the services and links them like npm install would', () => {
    for (const probe of ALL_PROBES) expect(generated).toContain(`CREATE apps/${probe}/src/main.ts`);
    expect(generated).toContain('CREATE apps/e2e-sub-probe/src/sample-event.consumer.ts');
    expect(JSON.parse(readFileSync(join(root, 'apps', PROBE, 'package.json'), 'utf8'))).toMatchObject({ name: `@meshway/${PROBE}`, meshway: { role: 'service', transport: 'http' } });
    expect(existsSync(join(root, 'node_modules', '@meshway', PROBE, 'src', 'main.ts'))).toBe(true);
  });

  it('passes its own unit and e2e specs with zero hand edits (HTTP; NATS with --events=publish and --events=consume)', async () => {
    const { ok, output } = await checks!.tests;
    expect(ok, output).toBe(true);
    // HTTP: echo + e2e; publish: echo + e2e; consume: echo + handled-events + e2e.
    expect(output).toMatch(/Test Files\s+7 passed \(7\)/);
    expect(output).toMatch(/Tests\s+\d+ passed/);
  }, 180_000);

  it('passes the repo typecheck', async () => {
    const { ok, output } = await checks!.typecheck;
    expect(ok, output).toBe(true);
  }, 180_000);

  it('builds with its own build script', async () => {
    const { ok, output } = await checks!.build;
    expect(ok, output).toBe(true);
    expect(existsSync(join(root, 'apps', PROBE, 'dist', 'main.js'))).toBe(true);
  }, 180_000);

  it('passes the repo lint (strict type-checked rules and module boundaries)', async () => {
    const { ok, output } = await checks!.lint;
    expect(ok, output).toBe(true);
  }, 180_000);

  it('registers when started and is routed by the gateway within 30 s, with no gateway edit', async () => {
    const [registryPort, gatewayPort, adminPort, servicePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const consul = `http://127.0.0.1:${registryPort}`;
    const env = { CONSUL_HTTP_ADDR: consul, LOG_LEVEL: 'warn', REGISTRY_PORT: String(registryPort), REGISTRY_DATA_DIR: join(root, '.meshway', 'registry') };
    const processes: ManagedProcess[] = [];
    try {
      const registry = spawnTs('apps/registry/src/main.ts', { name: 'registry', cwd: root, env });
      processes.push(registry);
      await registry.waitForHttp(`${consul}/v1/status/leader`, 90_000);
      const gateway = spawnTs('apps/gateway/src/main.ts', { name: 'gateway', cwd: root, env: { ...env, GATEWAY_PORT: String(gatewayPort), GATEWAY_ADMIN_PORT: String(adminPort) } });
      processes.push(gateway);
      await gateway.waitForHttp(`http://127.0.0.1:${adminPort}/health`, 90_000);
      const service = spawnTs(`apps/${PROBE}/src/main.ts`, { name: PROBE, cwd: root, env: { ...env, PORT: String(servicePort) } });
      processes.push(service);
      await service.waitForHttp(`http://127.0.0.1:${servicePort}/health`, 90_000);
      const since = Date.now();
      const echo = await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${gatewayPort}/api/${PROBE}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"hi"}' });
        return response.status === 200 ? ((await response.json()) as { echo: string; service: string }) : undefined;
      }, { timeoutMs: 30_000, intervalMs: 100, message: `gateway routes /api/${PROBE}` });
      expect(echo).toMatchObject({ echo: 'hi', service: PROBE });
      expect(Date.now() - since).toBeLessThan(30_000);
    } finally {
      await Promise.all(processes.map((p) => p.kill()));
    }
  }, 300_000);
});
