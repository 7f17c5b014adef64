import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { systemClock, type Clock } from '@meshway/clock';
import { describe, expect, it } from 'vitest';
import { ProcessErrorCode } from './process.errors.js';
import { groupAlive, killGroup, processAlive, signalGroup } from './process-group.js';
import { isRunningState, livingMembers } from './proc.state.js';
import { pollUntil } from './wait-for.js';

/** A clock that fails the test if anything waits on it: "resolves at once" means no sleep at all. */
const mustNotWait: Clock = {
  ...systemClock,
  sleep: () => Promise.reject(new Error('waited on a group that was already gone')),
};

const settled = (condition: () => boolean): Promise<boolean> => pollUntil(condition, { clock: systemClock, timeoutMs: 5_000, intervalMs: 20 });

/**
 * `sh` leads a new group; it starts a short `sleep` in the background, prints its pid, then becomes
 * `sleep 30` (exec), a parent that never reaps: the short sleep ends as a zombie in the group.
 */
async function groupWithZombie(): Promise<{ leader: number; zombie: number }> {
  const child = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  child.stdout.destroy();
  return { leader: child.pid ?? 0, zombie: Number(chunk.toString().trim()) };
}

/** A group whose leader exits at once, leaving a grandchild (that ignores SIGTERM when `stubborn`) running in it. */
async function orphanedGroup(stubborn = false): Promise<{ pgid: number; grandchild: number }> {
  const trap = stubborn ? "trap '' TERM; " : '';
  const child = spawn('sh', ['-c', `${trap}sleep 30 & echo $!`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  await once(child, 'exit');
  return { pgid: child.pid ?? 0, grandchild: Number(chunk.toString().trim()) };
}

describe('what counts as a running process', () => {
  it.each([
    ['R', true], ['S', true], ['D', true], ['T', true], ['t', true], ['I', true],
    ['Z', false], ['X', false], ['x', false], ['', false], [undefined, false],
  ])('state %j → running %s (zombie, dead, or vanished between two reads = not running)', (state, running) => {
    expect(isRunningState(state)).toBe(running);
  });

  it('counts a zombie as dead though kill(pid, 0) still finds it, and its group as alive only while another member runs', async () => {
    const { leader, zombie } = await groupWithZombie();
    try {
      expect(await settled(() => !processAlive(zombie))).toBe(true);
      expect(() => process.kill(zombie, 0)).not.toThrow(); // still in the process table
      expect(processAlive(leader)).toBe(true);
      expect(groupAlive(leader)).toBe(true);
      expect(livingMembers(leader)).toEqual([leader]);
    } finally {
      signalGroup(leader, 'SIGKILL');
    }
    // Only the zombie may remain (orphaned to an init that might not reap): the group counts as gone.
    expect(await settled(() => !groupAlive(leader))).toBe(true);
  });

  it('reports a reaped process and its group as gone, and signalGroup as false', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const exited = once(child, 'exit');
    expect(signalGroup(pid, 'SIGTERM')).toBe(true);
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(signalGroup(pid, 'SIGTERM')).toBe(false);
    expect(groupAlive(pid)).toBe(false);
    expect(processAlive(pid)).toBe(false);
  });

  it.each([0, 1, -4, 2.5, Number.NaN])('refuses to signal group %s (kill(-0) is our own group, kill(-1) everyone)', (pgid) => {
    expect(() => signalGroup(pgid, 0)).toThrow(expect.objectContaining({ code: ProcessErrorCode.InvalidOptions }));
  });
});

describe('killGroup', () => {
  it('leaves an already-ended group alone and resolves at once: nothing signalled, no grace waited', async () => {
    const child = spawn('true', [], { detached: true, stdio: 'ignore' });
    await once(child, 'exit');
    expect(await killGroup(child.pid ?? 0, { clock: mustNotWait })).toEqual({ found: false, escalated: false, survivors: [] });
  });

  it('treats a group of zombies as ended', async () => {
    const { leader, zombie } = await groupWithZombie();
    expect(await settled(() => !processAlive(zombie))).toBe(true);
    signalGroup(leader, 'SIGKILL');
    expect(await settled(() => !processAlive(leader))).toBe(true);
    expect(await killGroup(leader, { clock: mustNotWait })).toEqual({ found: false, escalated: false, survivors: [] });
  });

  it('still ends the group when its leader is already dead but a grandchild runs', async () => {
    const { pgid, grandchild } = await orphanedGroup();
    expect(processAlive(pgid)).toBe(false);
    expect(processAlive(grandchild)).toBe(true);
    expect(await killGroup(pgid)).toEqual({ found: true, escalated: false, survivors: [] });
    expect(processAlive(grandchild)).toBe(false);
  });

  it('SIGKILLs what ignores SIGTERM once the grace has passed', async () => {
    const { pgid, grandchild } = await orphanedGroup(true);
    const started = performance.now();
    expect(await killGroup(pgid, { graceMs: 300 })).toEqual({ found: true, escalated: true, survivors: [] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(processAlive(grandchild)).toBe(false);
  });
});
