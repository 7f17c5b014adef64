// Module boundaries, derived from each project's Nx tags (package.json "nx.tags").
// The same rules as Nx's enforce-module-boundaries (which has no Nx 24 release):
//   type:app      may import libs, never another app;
//   type:core     imports no Nest (`@nestjs/*`, `nestjs-pino`, type:nest libs) outside its `src/nest/` adapter;
//   type:testing  is imported only by tests;
//   everyone      imports another project only through its public entry points, never `src/` internals.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const GROUPS = ['apps', 'libs', 'tools', 'test', 'bench'];

/** @returns {{ dir: string, name: string, tags: string[] }[]} */
export function readProjects(root) {
  const dirs = [];
  for (const group of GROUPS) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    if (existsSync(join(base, 'package.json'))) dirs.push(group);
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(base, entry.name, 'package.json'))) dirs.push(`${group}/${entry.name}`);
    }
  }
  return dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    return { dir, name: pkg.name, tags: pkg.nx?.tags ?? [] };
  });
}

const NEST_PACKAGES = ['@nestjs/*', '@nestjs/**', 'nestjs-pino'];
const TEST_FILES = ['**/*.spec.ts', '**/*.e2e.ts', 'test/**', 'bench/**', '**/vitest.config.ts', 'libs/testing/**'];

const restrict = (files, patterns, ignores = []) => ({
  files,
  ...(ignores.length ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

/** @returns {import("eslint").Linter.Config[]} Flat-config blocks that enforce the rules above. Later blocks for the same file replace earlier ones, so each block carries every rule that applies to it. */
export function moduleBoundaries(root) {
  const projects = readProjects(root);
  const withTag = (tag) => projects.filter((p) => p.tags.includes(tag));
  const apps = withTag('type:app').map((p) => p.name);
  const nestLibs = withTag('type:nest').map((p) => p.name);
  const testing = withTag('type:testing').map((p) => p.name);

  const internals = { group: ['@meshway/*/src', '@meshway/*/src/**'], message: 'Import another project through its public entry point (index.ts or ./nest), not its internals.' };
  const noApps = { group: apps, message: 'Apps are deployables: nothing imports an app (module boundary type:app).' };
  const noNest = { group: [...NEST_PACKAGES, ...nestLibs], message: 'Core code is framework-free: Nest belongs in the lib\'s src/nest/ adapter (module boundary type:core).' };
  const noTesting = { group: testing, message: 'libs/testing holds fakes for tests only (module boundary type:testing).' };
  const noEscape = { regex: String.raw`^(\.\./)+(apps|libs|tools|test|bench)/|^(\.\./){2,}[^./][^/]*/src/`, message: 'Do not reach into another project by relative path; import its package.' };

  const blocks = [];
  for (const p of projects) {
    const src = [`${p.dir}/src/**/*.ts`];
    const base = [internals, noApps, noEscape];
    if (p.tags.includes('type:core')) {
      blocks.push(restrict(src, [...base, noNest, noTesting], [`${p.dir}/src/nest/**`, ...TEST_FILES]));
      blocks.push(restrict([`${p.dir}/src/nest/**/*.ts`], [...base, noTesting], TEST_FILES));
    } else if (p.tags.includes('type:testing') || p.tags.includes('type:e2e')) {
      blocks.push(restrict(src, base));
    } else {
      blocks.push(restrict(src, [...base, noTesting], TEST_FILES));
    }
    // Tests may use libs/testing, but still respect apps and internals; a core lib's Nest adapter specs may use Nest.
    if (p.tags.includes('type:core')) {
      blocks.push(restrict([`${p.dir}/src/**/*.spec.ts`], [...base, noNest], [`${p.dir}/src/nest/**`]));
      blocks.push(restrict([`${p.dir}/src/nest/**/*.spec.ts`], base));
    } else {
      blocks.push(restrict([`${p.dir}/src/**/*.spec.ts`], base));
    }
  }
  return blocks;
}
