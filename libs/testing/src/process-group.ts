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

/** Polls until no process is left in the group, or `timeoutMs` passes; true when the group is gone. */
export async function waitForGroupGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pid, 0)) {
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
