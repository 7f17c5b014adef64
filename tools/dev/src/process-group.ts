import { readdirSync, readFileSync } from 'node:fs';

/**
 * Sends `signal` to every process in group `pgid` (children are spawned `detached`, so each leads its
 * own group and its grandchildren share it). Returns false when the group is already gone.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Whether any process of group `pgid` is still running. On Linux, zombies do not count: a grandchild
 * orphaned to an init that never reaps (a bare container's PID 1) stays a zombie forever, yet is dead.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  if (process.platform !== 'linux') return true;
  return livingMembers(pgid).length > 0;
}

/** Whether process `pid` is running (not gone, not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  return process.platform !== 'linux' || readStat(String(pid))?.state !== 'Z';
}

/** Pids in group `pgid` that are not zombies (Linux `/proc`). */
export function livingMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
}

/** Parses `/proc/<pid>/stat`: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses. */
function readStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited between readdir and read
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}
