import { readdir, readFile } from 'node:fs/promises';
import { getconf } from './system.info.js';

/** `/proc/<pid>/stat` fields after the command name (which may hold spaces): state is [0], pgrp [2], utime [11], stime [12]. */
async function statFields(pid: string): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) used so far by every process in a process group (Linux /proc):
 * a target started by spawnProcess leads its own group, so nginx's worker counts with its master.
 */
export async function groupCpuSeconds(pgid: number): Promise<number> {
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(entry);
    if (fields?.[2] === String(pgid)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / (await getconf('CLK_TCK'));
}
