import { describe, expect, it } from 'vitest';
import { TestingErrorCode } from './testing.errors.js';
import { waitFor } from './wait-for.js';
import { REPO_ROOT } from './repo-root.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

describe('waitFor', () => {
  it('returns the first truthy value of the probe, treating throws as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 2) throw new Error('not ready');
        return calls >= 3 ? { calls } : undefined;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('rejects with the message and the last error when time runs out', async () => {
    const failing = waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 30, intervalMs: 5, message: 'registry up' },
    );
    await expect(failing).rejects.toMatchObject({
      code: TestingErrorCode.Timeout,
      message: 'registry up: not true within 30 ms (last error: connection refused)',
    });
  });
});

describe('REPO_ROOT', () => {
  it('is the monorepo root', () => {
    expect(existsSync(join(REPO_ROOT, 'libs', 'testing', 'package.json'))).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'tsconfig.base.json'))).toBe(true);
  });
});
