import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { PlatformEnv } from './platform.env.js';

/** Where `npm start` leaves the gateway's admin token for `npx meshway` (tools/cli reads the same path). */
export const ADMIN_TOKEN_FILE = join('.meshway', 'admin-token');

/**
 * The gateway's admin API takes changes only with a token. `GATEWAY_ADMIN_TOKEN` from the shell is used as given;
 * otherwise a fresh random one is made for this run and written to `.meshway/admin-token` (mode 0600), where
 * `npx meshway` finds it — so the admin API is never open, and never needs a token typed by hand.
 */
export async function withAdminToken(env: PlatformEnv, rootDir: string): Promise<{ readonly env: PlatformEnv; readonly line: string }> {
  const given = env.vars.GATEWAY_ADMIN_TOKEN;
  if (given !== undefined) return { env, line: 'Admin API token: GATEWAY_ADMIN_TOKEN from your environment' };
  const token = randomBytes(24).toString('base64url');
  const file = join(rootDir, ADMIN_TOKEN_FILE);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // an existing file keeps its mode through writeFile
  return { env: { ...env, vars: { ...env.vars, GATEWAY_ADMIN_TOKEN: token } }, line: `Admin API token: ${relative(rootDir, file)} (npx meshway reads it)` };
}
