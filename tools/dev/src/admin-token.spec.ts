import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, withAdminToken } from './admin-token.js';
import { resolvePlatformEnv } from './platform.env.js';

describe('the admin token npm start gives the gateway', () => {
  const dirs: string[] = [];
  const root = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'meshway-admin-token-'));
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('makes a fresh token per run, hands it to the children and leaves it in .meshway/admin-token readable by its owner only', async () => {
    const dir = await root();
    const first = await withAdminToken(resolvePlatformEnv({}, dir), dir);
    const token = first.env.vars.GATEWAY_ADMIN_TOKEN ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await readFile(join(dir, ADMIN_TOKEN_FILE), 'utf8')).trim()).toBe(token);
    expect((await stat(join(dir, ADMIN_TOKEN_FILE))).mode & 0o777).toBe(0o600);
    expect(first.line).toBe('Admin API token: .meshway/admin-token (npx meshway reads it)');
    const second = await withAdminToken(resolvePlatformEnv({}, dir), dir);
    expect(second.env.vars.GATEWAY_ADMIN_TOKEN).not.toBe(token);
  });

  it('uses GATEWAY_ADMIN_TOKEN from the environment as given, writing nothing', async () => {
    const dir = await root();
    const given = await withAdminToken(resolvePlatformEnv({ GATEWAY_ADMIN_TOKEN: 'from-the-shell-0123456789' }, dir), dir);
    expect(given.env.vars.GATEWAY_ADMIN_TOKEN).toBe('from-the-shell-0123456789');
    await expect(stat(join(dir, ADMIN_TOKEN_FILE))).rejects.toThrow(/ENOENT/);
  });
});
