import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cache = new Map<string, number>();

/** A numeric `getconf` value (e.g. CLK_TCK), cached. */
export async function getconf(name: string): Promise<number> {
  const known = cache.get(name);
  if (known !== undefined) return known;
  const { stdout } = await run('getconf', [name]);
  const value = Number(stdout.trim());
  cache.set(name, value);
  return value;
}

export function machine(): { cpus: number; model: string; node: string } {
  const list = cpus();
  return { cpus: list.length, model: list[0]?.model ?? 'unknown', node: process.version };
}
