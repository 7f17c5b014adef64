import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
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

/** The machine, and how busy it is (1-minute load average): numbers taken on a loaded machine are noise-prone. */
export function machine(): { cpus: number; model: string; node: string; loadAverage: number } {
  const list = cpus();
  return { cpus: list.length, model: list[0]?.model ?? 'unknown', node: process.version, loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)) };
}
