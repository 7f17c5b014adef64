import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAllProcesses } from './managed.process.js';
import { spawnTs } from './spawn-ts.js';
import { waitFor } from './wait-for.js';

const FIXTURE = 'libs/testing/src/fixtures/forgetful-parent.fixture.ts';
// A cold swc-node start compiles the entry: seconds on a busy 2-core machine.
const SLOW = { timeout: 40_000 };

afterAll(stopAllProcesses);

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function childOf(mode: 'exit' | 'wait') {
  const parent = spawnTs(FIXTURE, { name: `forgetful-${mode}`, env: { MODE: mode } });
  const pid = Number(/child (\d+)/.exec(await parent.waitForLine(/^child \d+/, 30_000))![1]);
  return { parent, pid };
}

describe('processes a test forgot to stop', () => {
  it('die when the test process exits', SLOW, async () => {
    const { parent, pid } = await childOf('exit');
    expect(await parent.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => !running(pid), { timeoutMs: 5_000, message: `forgotten child ${pid} killed on exit` });
  });

  it('die when the test process is terminated by a signal, which still terminates it', SLOW, async () => {
    const { parent, pid } = await childOf('wait');
    expect(running(pid)).toBe(true);
    process.kill(parent.pid, 'SIGTERM');
    expect((await parent.exited).signal).toBe('SIGTERM');
    await waitFor(() => !running(pid), { timeoutMs: 5_000, message: `forgotten child ${pid} killed on SIGTERM` });
  });
});
