import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { moduleBoundaries, readProjects } from './module-boundaries.js';

const root = new URL('../..', import.meta.url).pathname;

// Only the boundary blocks, parsed without type information, so the spec can lint text for any path.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...moduleBoundaries(root)],
});

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('module boundaries (from Nx tags)', () => {
  it('reads every project with its tags', () => {
    const projects = readProjects(root);
    expect(projects.find((p) => p.dir === 'apps/gateway')?.tags).toContain('type:app');
    expect(projects.find((p) => p.dir === 'libs/discovery')?.tags).toContain('type:core');
    expect(projects.find((p) => p.dir === 'libs/testing')?.tags).toContain('type:testing');
  });

  it('fails an app that imports another app', async () => {
    expect(await violations('apps/gateway/src/x.ts', "import { x } from '@meshway/registry';")).toEqual([
      expect.stringContaining('nothing imports an app'),
    ]);
  });

  it('fails a core lib that imports Nest, outside its nest adapter', async () => {
    expect(await violations('libs/discovery/src/x.ts', "import { Injectable } from '@nestjs/common';")).toEqual([
      expect.stringContaining('Core code is framework-free'),
    ]);
    expect(await violations('libs/balancing/src/x.ts', "import { Logger } from 'nestjs-pino';")).toHaveLength(1);
  });

  it('lets the nest adapter of a core lib import Nest', async () => {
    expect(await violations('libs/discovery/src/nest/x.module.ts', "import { Module } from '@nestjs/common';")).toEqual([]);
  });

  it('lets the specs of a core lib\'s nest adapter import Nest, but not its core specs', async () => {
    expect(await violations('libs/config/src/nest/x.module.spec.ts', "import { Module } from '@nestjs/common';")).toEqual([]);
    expect(await violations('libs/config/src/x.spec.ts', "import { Module } from '@nestjs/common';")).toHaveLength(1);
  });

  it('keeps libs/testing out of production code but allows it in specs', async () => {
    expect(await violations('apps/gateway/src/x.ts', "import { FakeClock } from '@meshway/testing';")).toHaveLength(1);
    expect(await violations('libs/discovery/src/x.spec.ts', "import { FakeClock } from '@meshway/testing';")).toEqual([]);
  });

  it('forbids reaching into another project\'s internals', async () => {
    expect(await violations('apps/gateway/src/x.ts', "import { x } from '@meshway/discovery/src/static.discovery.js';")).toHaveLength(1);
    expect(await violations('apps/gateway/src/x.ts', "import { x } from '../../../libs/discovery/src/index.js';")).toHaveLength(1);
  });

  it('accepts public entry points', async () => {
    expect(await violations('apps/gateway/src/x.ts', "import { StaticDiscovery } from '@meshway/discovery';\nimport { x } from '@meshway/discovery/nest';")).toEqual([]);
  });
});
