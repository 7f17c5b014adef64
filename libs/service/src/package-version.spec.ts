import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { packageVersion } from './package-version.js';

describe('packageVersion', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function project(pkg: object): string {
    const dir = mkdtempSync(join(tmpdir(), 'meshway-version-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    return dir;
  }

  it('reads the version of the nearest package.json above the file', () => {
    expect(packageVersion(import.meta.url)).toBe('0.1.0');
    const dir = project({ name: 'x', version: '2.3.4' });
    expect(packageVersion(pathToFileURL(join(dir, 'src', 'main.ts')).href)).toBe('2.3.4');
  });

  it('fails clearly when that package.json has no version', () => {
    const dir = project({ name: 'x' });
    expect(() => packageVersion(pathToFileURL(join(dir, 'src', 'main.ts')).href)).toThrow(/package\.json has no "version" string/);
  });
});
