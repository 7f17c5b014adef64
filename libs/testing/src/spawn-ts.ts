import { join, resolve } from 'node:path';
import { spawnProcess, type ManagedProcess, type ProcessOptions } from './managed.process.js';
import { REPO_ROOT } from './repo-root.js';

/** Options of {@link spawnTs}: like {@link ProcessOptions} without the command. */
export type SpawnTsOptions = Omit<ProcessOptions, 'command' | 'args'> & { args?: string[] };

/** The swc loader, resolved here so `cwd` can be anywhere. */
const SWC_REGISTER = import.meta.resolve('@swc-node/register/esm-register');

/**
 * Runs a TypeScript entry the way the repo runs it:
 * `node --conditions=@meshway/source --import @swc-node/register/esm-register <entry> ...args`.
 * `entry` is resolved against `cwd` (default: the repo root); the repo's tsconfig drives swc
 * (decorator metadata on) unless `SWC_NODE_PROJECT` is given in `env`.
 */
export function spawnTs(entry: string, options: SpawnTsOptions): ManagedProcess {
  const cwd = options.cwd ?? REPO_ROOT;
  return spawnProcess({
    ...options,
    cwd,
    command: process.execPath,
    args: ['--conditions=@meshway/source', '--import', SWC_REGISTER, resolve(cwd, entry), ...(options.args ?? [])],
    env: { SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...options.env },
  });
}
