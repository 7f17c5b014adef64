import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Process groups started by `spawnProcess` and not yet known to be gone. */
const live = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to every process in the group led by `pid`; false when the group no longer exists. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * True while any process of the group runs. A zombie (dead, waiting for its parent or init to reap it)
 * does not count: grandchildren are reparented to PID 1, which may reap them only seconds later.
 */
export function groupRunning(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return groupStates(pgid).some((state) => state !== 'Z' && state !== 'X');
}

/** States (R, S, D, Z…) of the processes in a group, from /proc/<pid>/stat. */
function groupStates(pgid: number): string[] {
  const states: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so parse after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== undefined) states.push(state);
  }
  return states;
}

/** Polls until no process of the group runs, or `timeoutMs` passes; true when none runs. */
export async function waitForGroupGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Remembers a group so a test run that forgets to stop it still leaves no orphan when Node exits. */
export function trackGroup(pid: number): void {
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAllGroupsNow);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => { onSignal(signal); });
  }
}

export function untrackGroup(pid: number): void {
  live.delete(pid);
}

/** Synchronous last resort on `exit`: SIGKILL every tracked group. */
function killAllGroupsNow(): void {
  for (const pid of live) signalGroup(pid, 'SIGKILL');
  live.clear();
}

/** On a terminating signal: kill our groups, then let the signal do what it would have done without us. */
function onSignal(signal: NodeJS.Signals): void {
  killAllGroupsNow();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
