import { systemClock, type Clock } from '@meshway/clock';
import { invalidOption } from './process.errors.js';
import { isRunningState, livingMembers, readProcStat } from './proc.state.js';
import { pollUntil } from './wait-for.js';

const LINUX = process.platform === 'linux';

/**
 * Sends `signal` (0 = only check) to every process of group `pgid`. Children spawned `detached` lead
 * their own group, so this reaches their grandchildren too. False when no such group exists (ESRCH);
 * true when it exists, even if a member may not be signalled (EPERM): it exists, so it is not gone.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  // kill(-0) is our own group and kill(-1) every process we may signal: never what a caller means.
  if (!Number.isInteger(pgid) || pgid <= 1) throw invalidOption('process group', 'pgid', pgid, 'an integer above 1');
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw error;
  }
}

/**
 * Whether any process of group `pgid` still runs. Zombies and dead entries count as gone (Linux
 * `/proc`); elsewhere, any member that answers `kill(-pgid, 0)` counts as running.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  return !LINUX || livingMembers(pgid).length > 0;
}

/** Whether process `pid` still runs: it exists and (Linux) is neither a zombie nor dead. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A process that vanishes between the kill and the read is gone, not running.
  return !LINUX || isRunningState(readProcStat(pid)?.state);
}

/** Options of {@link killGroup}. */
export interface KillGroupOptions {
  /** The polite signal sent first. Default `SIGTERM`. */
  readonly signal?: NodeJS.Signals;
  /** How long the group may take to end after `signal` before it gets SIGKILL, ms. Default 5 000. */
  readonly graceMs?: number;
  /** How long to wait for the group to vanish after SIGKILL, ms. Default 2 000. */
  readonly killWaitMs?: number;
  /** Pause between checks, ms. Default 20. */
  readonly pollMs?: number;
  /** Time source for the waits. Default `systemClock`. */
  readonly clock?: Clock;
}

/** What {@link killGroup} found and did. */
export interface KillReport {
  /** The group had a running process when the kill began; false = it was already gone, nothing was signalled. */
  readonly found: boolean;
  /** SIGKILL was needed: something outlived the grace period. */
  readonly escalated: boolean;
  /** Pids still running after SIGKILL's wait (Linux; should stay empty — reported, not hidden). */
  readonly survivors: readonly number[];
}

/**
 * Ends group `pgid`: `signal` (SIGTERM), then SIGKILL to whatever still runs after `graceMs`; resolves
 * once nothing of it runs (or `killWaitMs` after SIGKILL). A group that already ended — its processes
 * exited or are zombies — is not signalled and resolves at once with `found: false`.
 */
export async function killGroup(pgid: number, options: KillGroupOptions = {}): Promise<KillReport> {
  const { signal = 'SIGTERM', graceMs = 5_000, killWaitMs = 2_000, pollMs = 20, clock = systemClock } = options;
  if (!groupAlive(pgid)) return { found: false, escalated: false, survivors: [] };
  const gone = (): boolean => !groupAlive(pgid);
  if (signal !== 'SIGKILL') {
    signalGroup(pgid, signal);
    if (await pollUntil(gone, { clock, timeoutMs: graceMs, intervalMs: pollMs })) return { found: true, escalated: false, survivors: [] };
  }
  signalGroup(pgid, 'SIGKILL');
  await pollUntil(gone, { clock, timeoutMs: killWaitMs, intervalMs: pollMs });
  return { found: true, escalated: signal !== 'SIGKILL', survivors: LINUX ? livingMembers(pgid) : [] };
}
