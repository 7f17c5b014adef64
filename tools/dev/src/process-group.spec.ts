import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { waitFor } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { groupAlive, processAlive, signalGroup } from './process-group.js';

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

describe('process groups', () => {
  it('counts a zombie as dead though kill(pid, 0) still finds it', async () => {
    const { leader, zombie } = await groupWithZombie();
    try {
      await waitFor(() => !processAlive(zombie), { timeoutMs: 5_000, message: 'the background sleep to end' });
      expect(() => process.kill(zombie, 0)).not.toThrow(); // still in the process table
      expect(processAlive(leader)).toBe(true);
      expect(groupAlive(leader)).toBe(true);
    } finally {
      signalGroup(leader, 'SIGKILL');
    }
    // Only the zombie may remain (orphaned to an init that might not reap): the group counts as gone.
    await waitFor(() => !groupAlive(leader), { timeoutMs: 5_000, message: 'the group to be gone' });
  });

  it('signals a whole group and reports a gone group as false', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const exited = once(child, 'exit');
    expect(signalGroup(pid, 'SIGTERM')).toBe(true);
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(signalGroup(pid, 'SIGTERM')).toBe(false);
    expect(groupAlive(pid)).toBe(false);
    expect(processAlive(pid)).toBe(false);
  });
});
