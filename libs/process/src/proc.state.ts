import { readdirSync, readFileSync } from 'node:fs';

/**
 * States in `/proc/<pid>/stat` of a process that has ended: `Z` zombie (dead, waiting for its parent or
 * init to reap it), `X`/`x` dead. A zombie still answers `kill(pid, 0)`, yet runs nothing: where PID 1
 * never reaps (a bare container), an orphaned grandchild stays a zombie for good.
 */
const ENDED_STATES: ReadonlySet<string> = new Set(['Z', 'X', 'x']);

/** True for the state of a process that still runs (R, S, D, T, t, I, …); false for ended or unknown states. */
export function isRunningState(state: string | undefined): boolean {
  return state !== undefined && state !== '' && !ENDED_STATES.has(state);
}

/** What `/proc/<pid>/stat` says about a process; undefined when it is gone (or not Linux). */
export interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
}

/** Parses `/proc/<pid>/stat`: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses. */
export function readProcStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone (possibly between a readdir and this read)
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

/** Pids of group `pgid` that still run (Linux: every `/proc` entry in the group whose state is not ended). */
export function livingMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(entry);
    if (stat?.pgrp === pgid && isRunningState(stat.state)) pids.push(Number(entry));
  }
  return pids;
}
