import { mkdir, readdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { transformFile, type Options as SwcOptions } from '@swc/core';
import { errorMessage } from '@meshway/errors';
import { DevError, DevErrorCode } from './dev.errors.js';

/** What one compile did. */
export interface CompileReport {
  /** Workspace packages compiled (the apps and the `@meshway/*` packages they depend on). */
  readonly packages: number;
  readonly files: number;
  /** Files whose output changed (the rest were already up to date). */
  readonly written: number;
}

/** Tests are not run by `npm start`: never compiled. */
const SKIPPED = /\.(spec|test)\.ts$|\.d\.ts$/;
const TYPESCRIPT = /\.ts$/;

/**
 * The JavaScript `npm start` runs for a TypeScript entry `<app>/src/**.ts`: `<app>/dist/**.js`, as the
 * package's `default` export condition expects. Anything else (a `.mjs` fixture) runs as it is.
 */
export function compiledEntry(entry: string): string {
  const marker = `${sep}src${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0 || !TYPESCRIPT.test(entry)) return entry;
  return `${entry.slice(0, at)}${sep}dist${sep}${entry.slice(at + marker.length).replace(TYPESCRIPT, '.js')}`;
}

/**
 * Compiles the apps in `appDirs` and every workspace package they import (`@meshway/*` dependencies, followed
 * transitively) from `src/` to `dist/` with swc (the repo's `.swcrc`: decorators and their metadata, no
 * typecheck), copying other files (HTML, JSON) beside. Each file is written only when its output changed, and by
 * rename, so starts running side by side never see half a file. It takes ~0.2 s and halves each instance's
 * boot (no TypeScript hooks thread, no per-module hook round trip): restarts and replicas come up faster.
 * A file swc cannot parse throws `MESHWAY_DEV_COMPILE_FAILED` naming it.
 */
export async function compileWorkspace(appDirs: readonly string[], swcrcFile: string): Promise<CompileReport> {
  const options = swcOptions(swcrcFile);
  const packages = await withDependencies(appDirs);
  let files = 0;
  let written = 0;
  await Promise.all(
    packages.map(async (dir) => {
      for (const file of await sourceFiles(join(dir, 'src'))) {
        files++;
        if (await emit(dir, file, options)) written++;
      }
    }),
  );
  return { packages: packages.length, files, written };
}

function swcOptions(swcrcFile: string): SwcOptions {
  let parsed: SwcOptions & { $schema?: string };
  try {
    parsed = JSON.parse(readFileSync(swcrcFile, 'utf8')) as SwcOptions & { $schema?: string };
  } catch (error) {
    throw new DevError(DevErrorCode.CompileFailed, `Cannot read ${swcrcFile}: ${errorMessage(error)}`);
  }
  const { $schema: _schema, ...options } = parsed;
  return { ...options, swcrc: false, sourceMaps: 'inline' };
}

/** The app folders plus the folders of the workspace packages they depend on, each once. */
async function withDependencies(appDirs: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...appDirs];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const dir = await realpath(next);
    if (seen.has(dir)) continue;
    seen.add(dir);
    for (const name of meshwayDependencies(dir)) {
      const found = packageDir(dir, name);
      if (found !== undefined) queue.push(found);
    }
  }
  return [...seen].filter((dir) => existsSync(join(dir, 'src')));
}

function meshwayDependencies(dir: string): string[] {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return [];
  const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(dependencies).filter((name) => name.startsWith('@meshway/'));
}

/** Where node would find `name` from `dir`: the nearest `node_modules/<name>` above it (a workspace symlink). */
function packageDir(dir: string, name: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

async function sourceFiles(srcDir: string): Promise<string[]> {
  const entries = await readdir(srcDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && !SKIPPED.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Compiles (or copies) one file of `src/` to its place under `dist/`; true when the output changed. */
async function emit(packageDir: string, file: string, options: SwcOptions): Promise<boolean> {
  const target = join(packageDir, 'dist', relative(join(packageDir, 'src'), file));
  if (!TYPESCRIPT.test(file)) return writeIfChanged(target, await readFile(file));
  let code: string;
  try {
    ({ code } = await transformFile(file, { ...options, filename: file }));
  } catch (error) {
    throw new DevError(DevErrorCode.CompileFailed, `Cannot compile ${file}: ${errorMessage(error)}`);
  }
  return writeIfChanged(target.replace(TYPESCRIPT, '.js'), Buffer.from(code));
}

async function writeIfChanged(target: string, content: Buffer): Promise<boolean> {
  const current = await readFile(target).catch(() => undefined);
  if (current?.equals(content)) return false;
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, target);
  return true;
}
