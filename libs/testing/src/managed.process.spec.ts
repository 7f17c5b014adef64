import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnProcess, stopAllProcesses, type ManagedProcess } from './managed.process.js';
import { TestingErrorCode } from './testing.errors.js';
import { waitFor } from './wait-for.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'http-child.fixture.mjs');

function child(mode: 'serve' | 'exit-early' | 'stubborn'): ManagedProcess {
  return spawnProcess({ name: `child-${mode}`, command: process.execPath, args: [FIXTURE], env: { MODE: mode } });
}

/** Whether `pid` exists at all (a zombie does): `process.kill(pid, 0)` throws ESRCH once it is gone. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ESRCH');
    return false;
  }
}

/** Whether `pid` still runs: exists and is not a zombie (dead, awaiting its reaper). */
function isAlive(pid: number): boolean {
  if (!exists(pid)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

afterAll(stopAllProcesses);

describe('spawnProcess', () => {
  it('waits for a printed line and for HTTP 2xx, and captures output', async () => {
    const proc = child('serve');
    const line = await proc.waitForLine(/listening on (\S+)/);
    const url = /listening on (\S+)/.exec(line)![1]!;
    await proc.waitForHttp(`${url}/health`);
    expect(proc.output()).toContain('grandchild ');
    await proc.kill();
  });

  it('kill() leaves no process of the group alive: neither the child nor its grandchild', async () => {
    const proc = child('serve');
    const grandchild = Number(/grandchild (\d+)/.exec(await proc.waitForLine(/grandchild \d+/))![1]);
    expect(isAlive(proc.pid)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);
    await proc.kill();
    expect(isAlive(proc.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
    // The orphaned grandchild is reaped by PID 1, which may take a moment: then it is gone for good.
    await waitFor(() => !exists(proc.pid) && !exists(grandchild), { message: 'child and grandchild reaped (ESRCH)' });
  });

  it('escalates to SIGKILL for a group that ignores the signal', async () => {
    const proc = child('stubborn');
    const grandchild = Number(/grandchild (\d+)/.exec(await proc.waitForLine(/grandchild \d+/))![1]);
    await proc.waitForLine(/listening/);
    await proc.kill('SIGTERM', 300);
    expect(isAlive(grandchild)).toBe(false);
    expect((await proc.exited).signal).toBe('SIGKILL');
  });

  it('makes waitForHttp reject with the output tail when the child exits early', async () => {
    const proc = child('exit-early');
    const error = await proc.waitForHttp('http://127.0.0.1:1/health').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: TestingErrorCode.ProcessExited });
    expect((error as Error).message).toMatch(/child-exit-early \(pid \d+\) exited before http:\/\/127\.0\.0\.1:1\/health answered 2xx/);
    expect((error as Error).message).toContain('[exit code 3, signal null]');
    expect((error as Error).message).toMatch(/Last 30 lines of output:\n(starting\nfatal: FOO is not set|fatal: FOO is not set\nstarting)$/);
  });

  it('makes waitForLine reject when the child exits without printing the line', async () => {
    const proc = child('exit-early');
    await expect(proc.waitForLine(/listening/)).rejects.toMatchObject({ code: TestingErrorCode.ProcessExited });
  });

  it('makes waitForLine reject with the output tail on timeout', async () => {
    const proc = child('serve');
    await proc.waitForLine(/listening/);
    const error = await proc.waitForLine(/never printed/, 100).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: TestingErrorCode.Timeout });
    expect((error as Error).message).toMatch(/printed no line matching \/never printed\/ within 100 ms[\s\S]*listening on/);
    await proc.kill();
  });

  it('fails at once with MESHWAY_TEST_SPAWN_FAILED for a command that does not exist', () => {
    expect(() => spawnProcess({ name: 'ghost', command: '/nonexistent/meshway-ghost' })).toThrow(
      expect.objectContaining({ code: TestingErrorCode.SpawnFailed }),
    );
  });

  it('stopAllProcesses() stops every process still running', async () => {
    const procs = [child('serve'), child('serve')];
    await Promise.all(procs.map((p) => p.waitForLine(/listening/)));
    await stopAllProcesses();
    for (const p of procs) expect(isAlive(p.pid)).toBe(false);
  });
});
