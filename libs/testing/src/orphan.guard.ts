import { groupAlive, signalGroup } from '@meshway/process';

/** Process groups started by `spawnProcess` and not yet known to be gone. */
const live = new Set<number>();
let exitHookInstalled = false;

/** Remembers a group so a test run that forgets to stop it still leaves no orphan when Node exits. */
export function trackGroup(pid: number): void {
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAllGroupsNow);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => { onSignal(signal); });
  }
}

/** Forgets a group that was stopped. */
export function untrackGroup(pid: number): void {
  live.delete(pid);
}

/** Forgets a group whose leader exited by itself, unless a grandchild still runs in it (zombies do not count). */
export function untrackIfGone(pid: number): void {
  if (!groupAlive(pid)) live.delete(pid);
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
