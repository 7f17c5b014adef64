import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@meshway/clock';
import { stopAllProcesses } from './managed.process.js';
import { REPO_ROOT } from './repo-root.js';
import { spawnTs } from './spawn-ts.js';

afterAll(stopAllProcesses);

// A cold swc-node start compiles the entry and its workspace imports: seconds on a busy 2-core machine.
const SLOW = { timeout: 40_000 };

describe('spawnTs', () => {
  it('runs a TypeScript entry with workspace libs resolved from source, passing args and env', SLOW, async () => {
    const proc = spawnTs('libs/testing/src/fixtures/hello.fixture.ts', { name: 'hello', args: ['world'], env: { GREETING: 'hi' } });
    const expected = `hello world ${seededRandom(1)().toFixed(6)} hi`;
    expect(await proc.waitForLine(/^hello /, 30_000)).toBe(expected);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('works from another working directory', SLOW, async () => {
    const proc = spawnTs('src/fixtures/hello.fixture.ts', { name: 'hello-cwd', cwd: `${REPO_ROOT}/libs/testing` });
    expect(await proc.waitForLine(/^hello none/, 30_000)).toMatch(/^hello none 0\.\d{6} $/);
  });
});
