import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWatcher, type FileVersion } from './file.watcher.js';

/** Real files, real fs events: bounded waits on the watcher's own callbacks. */
function nextChange(changes: FileVersion[], count: number): Promise<FileVersion> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (changes.length >= count) resolve(changes[count - 1] as FileVersion);
      else if (Date.now() - started > 5_000) reject(new Error('no change seen within 5 s'));
      else setTimeout(check, 5);
    };
    check();
  });
}

describe('FileWatcher', () => {
  let dir: string;
  let watcher: FileWatcher | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshway-watch-'));
  });
  afterEach(async () => {
    watcher?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file at start, then reports each new content once, also when replaced by rename', async () => {
    const file = join(dir, 'routes.yaml');
    await writeFile(file, 'one');
    const changes: FileVersion[] = [];
    watcher = new FileWatcher(file, { onChange: (v) => changes.push(v) });
    expect(await watcher.start()).toMatchObject({ text: 'one' });
    await writeFile(file, 'two');
    expect(await nextChange(changes, 1)).toMatchObject({ text: 'two' });
    await writeFile(join(dir, 'tmp'), 'three');
    await rename(join(dir, 'tmp'), file);
    expect(await nextChange(changes, 2)).toMatchObject({ text: 'three' });
    await writeFile(file, 'three');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(changes).toHaveLength(2);
  });

  it('reports a deleted file as a version without text', async () => {
    const file = join(dir, 'cert.pem');
    await writeFile(file, 'pem');
    const changes: FileVersion[] = [];
    watcher = new FileWatcher(file, { onChange: (v) => changes.push(v), pollMs: 50 });
    await watcher.start();
    await rm(file);
    expect(await nextChange(changes, 1)).toEqual({ path: file, text: undefined, version: 'absent' });
  });
});
