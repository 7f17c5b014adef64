import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TABLES } from './store.types.js';

const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const PROBE_TIMEOUT_MS = 60_000;

/**
 * LMDB recovers a crash by itself, but damaged files (a disk fault, a stray write) make the native
 * addon crash the process instead of returning an error. These checks run before it is opened.
 */

/** Looks at both meta pages of `<dir>/data.mdb`; returns what is wrong, or undefined if they look sound. */
export function checkMetaPages(dir: string): string | undefined {
  const file = join(dir, 'data.mdb');
  if (!existsSync(file)) return undefined;
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const first = readMeta(fd, 0);
    if (typeof first === 'string') return `meta page 0: ${first}`;
    if (size < 2 * first.pageSize) return `file is ${size} bytes, shorter than its two meta pages`;
    const second = readMeta(fd, first.pageSize);
    return typeof second === 'string' ? `meta page 1: ${second}` : undefined;
  } finally {
    closeSync(fd);
  }
}

function readMeta(fd: number, offset: number): { pageSize: number } | string {
  const page = Buffer.alloc(128);
  if (readSync(fd, page, 0, page.length, offset) < page.length) return 'truncated';
  // The magic follows the page header, whose size differs between LMDB builds: find it.
  for (let at = 8; at <= 64; at += 4) {
    if (page.readUInt32LE(at) !== MDB_MAGIC) continue;
    if ((page.readUInt32LE(at + 4) & 0xffff) !== MDB_DATA_VERSION) return 'unknown data version';
    const pageSize = page.readUInt32LE(at + 24);
    const powerOfTwo = pageSize >= 512 && pageSize <= 65_536 && (pageSize & (pageSize - 1)) === 0;
    return powerOfTwo ? { pageSize } : `implausible page size ${pageSize}`;
  }
  return 'no LMDB magic number';
}

/**
 * Opens the environment read-only in a child process and reads every table. A crash there (SIGBUS,
 * SIGSEGV) means damaged pages — the registry itself stays up to recover. Returns the problem, or undefined.
 */
export function probeInChild(dir: string): string | undefined {
  const script = `
    const { open } = await import(${JSON.stringify(import.meta.resolve('lmdb'))});
    const env = open({ path: ${JSON.stringify(dir)}, readOnly: true, maxDbs: 16 });
    for (const name of ${JSON.stringify(TABLES)}) for (const entry of env.openDB(name, { encoding: 'binary' }).getRange()) void entry;
    await env.close();`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: PROBE_TIMEOUT_MS, encoding: 'utf8' });
  if (result.status === 0) return undefined;
  if (result.signal) return `reading the database crashed a probe process (${result.signal})`;
  return `reading the database failed: ${(result.stderr || result.error?.message || `exit code ${String(result.status)}`).trim().split('\n')[0] ?? ''}`;
}
