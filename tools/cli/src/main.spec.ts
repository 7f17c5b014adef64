import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, spawnTs, type ManagedProcess } from '@meshway/testing';
import { main } from './main.js';

const TOKEN = 'cli-spec-admin-token-0000';

describe('meshway CLI against a real gateway', () => {
  let gateway: ManagedProcess;
  let adminUrl: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshway-cli-'));
    const adminPort = await freePort();
    adminUrl = `http://127.0.0.1:${adminPort}`;
    gateway = spawnTs('apps/gateway/src/main.ts', {
      name: 'gateway',
      env: { GATEWAY_PORT: '0', GATEWAY_ADMIN_PORT: String(adminPort), GATEWAY_DISCOVERY: 'static', GATEWAY_STATIC_UPSTREAMS: 'users=127.0.0.1:9', GATEWAY_ADMIN_TOKEN: TOKEN, MESHWAY_TRANSPORT: 'http', LOG_LEVEL: 'warn' },
    });
    await gateway.waitForHttp(`${adminUrl}/health`, 60_000);
  }, 70_000);

  afterAll(async () => {
    await gateway.kill();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { MESHWAY_ADMIN_URL: adminUrl, GATEWAY_ADMIN_TOKEN: TOKEN }, (line) => out.push(line), (line) => err.push(line), dir);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('sets a release, moves its weight and shows it', async () => {
    expect(await run('release', 'set', 'users', '--stable', '^1', '--canary', '^2', '--weight', '5', '--max-error-rate', '0.1')).toMatchObject({ code: 0, out: 'users: stable ^1 95 % · canary ^2 5 % · sticky consumer · active' });
    expect((await run('release', 'weight', 'users', '50')).out).toBe('users: stable ^1 50 % · canary ^2 50 % · sticky consumer · active');
    expect((await run('release')).out).toContain('canary ^2 50 %');
    expect((await run('release', 'end', 'users')).code).toBe(0);
    expect((await run('release', 'show')).out).toBe('no releases');
  });

  it('applies a configuration file with a dry run first, then for real, and exports it', async () => {
    await writeFile(join(dir, 'routes.yaml'), 'routes:\n  - { name: users, path: /api/users/*, service: users, stripPrefix: /api }\n');
    expect(await run('config', 'apply', 'routes.yaml', '--dry-run')).toMatchObject({ code: 0, out: expect.stringContaining('+ users:') as string });
    expect((await run('config', 'export')).out).toBe('routes: []');
    expect((await run('config', 'apply', 'routes.yaml')).out).toContain('applied');
    expect((await run('config', 'export')).out).toContain('name: users');
    expect((await run('routes')).out).toMatch(/\* \/api\/users\/\*\s+→ users/);
  });

  it('drains and puts back an instance', async () => {
    expect((await run('drain', 'users-127.0.0.1-9', 'maintenance')).out).toBe('users-127.0.0.1-9 drained');
    expect((await run('instances')).out).toContain('DRAINED');
    expect((await run('undrain', 'users-127.0.0.1-9')).code).toBe(0);
  });

  it('says what went wrong: the API\'s error code (exit 1), a usage mistake (exit 2), an unreachable gateway', async () => {
    expect(await main(['release', 'set', 'users', '--stable', '^1', '--canary', '^2', '--weight', '5'], { MESHWAY_ADMIN_URL: adminUrl }, () => undefined, () => undefined, dir)).toBe(1);
    expect(await run('release', 'set', 'users', '--stable', 'newest', '--canary', '^2', '--weight', '5')).toMatchObject({ code: 1, err: expect.stringContaining('MESHWAY_GATEWAY_INVALID_CONFIG') as string });
    expect(await run('release', 'set', 'users')).toMatchObject({ code: 2, err: expect.stringContaining('needs --stable, --canary and --weight') as string });
    expect(await run('fly')).toMatchObject({ code: 2 });
    const errors: string[] = [];
    expect(await main(['routes'], { MESHWAY_ADMIN_URL: `http://127.0.0.1:${await freePort()}` }, () => undefined, (line) => errors.push(line), dir)).toBe(1);
    expect(errors.join('')).toContain('MESHWAY_CLI_UNREACHABLE');
  });

  it('runs as `npx meshway` from the repository', async () => {
    const { stdout } = await promisify(execFile)('npx', ['meshway', 'help'], { cwd: REPO_ROOT, env: { ...process.env } });
    expect(stdout).toContain('meshway release set <service>');
  });
});
