import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeExit, spawnChild, type ManagedChild, type SpawnChildOptions } from './managed.child.js';
import { ProcessErrorCode } from './process.errors.js';
import { processAlive } from './process-group.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'child.fixture.mjs');
const children: ManagedChild[] = [];

function child(mode: 'serve' | 'exit-early' | 'stubborn' | 'leave', options: Partial<SpawnChildOptions> = {}): ManagedChild {
  const started = spawnChild({ name: `child-${mode}`, command: process.execPath, args: [FIXTURE], env: { ...process.env, MODE: mode }, ...options });
  children.push(started);
  return started;
}

const grandchildOf = async (proc: ManagedChild): Promise<number> => Number(/grandchild (\d+)/.exec(await proc.waitForLine(/grandchild \d+/))![1]);

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill({ signal: 'SIGKILL' })));
});

describe('spawnChild', () => {
  it('hands each batch of whole lines to onLines, keeps the output, and waits for a line already printed or to come', async () => {
    const batches: string[][] = [];
    const proc = child('serve', { onLines: (lines) => batches.push([...lines]) });
    const line = await proc.waitForLine(/listening on/);
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(await proc.waitForLine(/grandchild/)).toMatch(/^grandchild \d+$/);
    expect(batches.flat()).toEqual([expect.stringMatching(/^grandchild \d+$/), line]);
    expect(proc.output()).toBe(`${batches.flat().join('\n')}\n`);
  });

  it('reports how it exited, with its last lines, stdout and stderr alike', async () => {
    const proc = child('exit-early', { tailLines: 5 });
    const exit = await proc.exited;
    expect(exit).toEqual({ name: 'child-exit-early', code: 3, signal: null, lastLines: expect.arrayContaining(['starting', 'fatal: FOO is not set']) });
    expect(describeExit(exit)).toBe('exited with code 3');
    expect(proc.hasExited).toBe(true);
  });

  it('keeps only the last tailLines lines for the exit report', async () => {
    const proc = spawnChild({ name: 'counter', command: process.execPath, args: ['-e', 'for (let i = 1; i <= 50; i++) console.log(`line ${i}`)'], tailLines: 3, keepLines: 10 });
    expect((await proc.exited).lastLines).toEqual(['line 48', 'line 49', 'line 50']);
    expect(proc.output().split('\n').filter(Boolean)).toHaveLength(10);
  });

  it('rejects waitForLine with MESHWAY_PROCESS_EXITED and the output tail when it exits without the line', async () => {
    const proc = child('exit-early');
    const error = await proc.waitForLine(/listening/).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ProcessErrorCode.Exited });
    expect((error as Error).message).toMatch(/^child-exit-early \(pid \d+\) exited before printing a line matching \/listening\/ \[exit code 3, signal null\]\. Last 30 lines of output:\n/);
    expect((error as Error).message).toContain('fatal: FOO is not set');
  });

  it('rejects waitForLine with MESHWAY_PROCESS_TIMEOUT when the line does not come in time', async () => {
    const proc = child('serve');
    await proc.waitForLine(/listening/);
    const error = await proc.waitForLine(/never printed/, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ProcessErrorCode.Timeout, message: expect.stringMatching(/printed no line matching \/never printed\/ within 100 ms[\s\S]*listening on/) });
  });

  it('resolves exited with the spawn error when the command does not exist, and has no pid', async () => {
    const proc = spawnChild({ name: 'ghost', command: '/nonexistent/meshway-ghost' });
    expect(proc.pid).toBeUndefined();
    const exit = await proc.exited;
    expect(exit).toMatchObject({ name: 'ghost', code: null, signal: null, error: expect.stringMatching(/^could not start: spawn \/nonexistent\/meshway-ghost ENOENT/) });
    expect(describeExit(exit)).toBe(exit.error);
    expect(await proc.kill()).toEqual({ found: false, escalated: false, survivors: [] });
  });
});

describe('ManagedChild.kill', () => {
  it('ends the whole group, child and grandchild, and resolves once the child has exited', async () => {
    const proc = child('serve');
    const grandchild = await grandchildOf(proc);
    await proc.waitForLine(/listening/);
    expect(await proc.kill()).toEqual({ found: true, escalated: false, survivors: [] });
    expect(proc.exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(processAlive(proc.pid!)).toBe(false);
    expect(processAlive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL for a group that ignores SIGTERM', async () => {
    const proc = child('stubborn');
    const grandchild = await grandchildOf(proc);
    await proc.waitForLine(/listening/);
    expect(await proc.kill({ graceMs: 300 })).toEqual({ found: true, escalated: true, survivors: [] });
    expect(proc.exit?.signal).toBe('SIGKILL');
    expect(processAlive(grandchild)).toBe(false);
  });

  it('ends what is left of the group of a child that already exited by itself', async () => {
    const proc = child('leave');
    const grandchild = await grandchildOf(proc);
    expect(await proc.exited).toMatchObject({ code: 0 });
    expect(processAlive(grandchild)).toBe(true);
    expect(await proc.kill()).toMatchObject({ found: true });
    expect(processAlive(grandchild)).toBe(false);
  });

  it('leaves an exited child with nothing left of its group alone', async () => {
    const proc = child('exit-early');
    await proc.exited;
    expect(await proc.kill()).toEqual({ found: false, escalated: false, survivors: [] });
  });
});
