import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { libGenerator } from './lib.generator.js';

function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((child) => {
    const path = `${dir}/${child}`;
    return tree.isFile(path) ? [path] : filesUnder(tree, path);
  });
}

const source = (dir: string) => ({ '@meshway/source': `./src/${dir}index.ts`, types: `./dist/${dir}index.d.ts`, default: `./dist/${dir}index.js` });

describe('nx g @meshway/nx:lib', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('creates a framework-free core lib: one public index, an errors table, a spec, README and vitest config', () => {
    libGenerator(tree, { name: 'rate-limit', kind: 'core' });
    expect(filesUnder(tree, 'libs/rate-limit').sort()).toEqual([
      'libs/rate-limit/README.md',
      'libs/rate-limit/package.json',
      'libs/rate-limit/src/index.ts',
      'libs/rate-limit/src/rate-limit.errors.spec.ts',
      'libs/rate-limit/src/rate-limit.errors.ts',
      'libs/rate-limit/vitest.config.ts',
    ]);
    expect(tree.read('libs/rate-limit/src/rate-limit.errors.ts', 'utf8')).toContain("InvalidOptions: 'MESHWAY_RATE_LIMIT_INVALID_OPTIONS'");
    expect(tree.read('libs/rate-limit/src/index.ts', 'utf8')).toContain('export { RateLimitError, RateLimitErrorCode }');
    expect(readJson(tree, 'libs/rate-limit/package.json')).toEqual({
      name: '@meshway/rate-limit',
      version: '0.1.0',
      private: true,
      type: 'module',
      exports: { '.': source('') },
      scripts: { build: 'swc src -d dist --strip-leading-paths --config-file ../../.swcrc', test: 'vitest run' },
      dependencies: {},
      nx: { tags: ['type:core'] },
    });
  });

  it('adds a Nest adapter at ./nest to a core lib when asked', () => {
    libGenerator(tree, { name: 'caching', kind: 'core', nestAdapter: true });
    expect(tree.exists('libs/caching/src/nest/index.ts')).toBe(true);
    expect(tree.read('libs/caching/src/nest/caching.module.ts', 'utf8')).toContain('export class CachingModule');
    expect(tree.exists('libs/caching/src/nest/caching.module.spec.ts')).toBe(true);
    const pkg = readJson<{ exports: unknown; dependencies: Record<string, string>; nx: unknown }>(tree, 'libs/caching/package.json');
    expect(pkg.exports).toEqual({ '.': source(''), './nest': source('nest/') });
    expect(Object.keys(pkg.dependencies)).toEqual(['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs']);
    expect(pkg.nx).toEqual({ tags: ['type:core'] });
  });

  it('creates a Nest lib (type:nest) around a module with forRoot', () => {
    libGenerator(tree, { name: 'audit', kind: 'nest' });
    expect(tree.read('libs/audit/src/audit.module.ts', 'utf8')).toContain('static forRoot(): DynamicModule');
    expect(tree.read('libs/audit/src/index.ts', 'utf8')).toContain("export { AuditModule } from './audit.module.js'");
    expect(tree.exists('libs/audit/src/nest')).toBe(false);
    expect(readJson(tree, 'libs/audit/package.json')).toMatchObject({ exports: { '.': source('') }, nx: { tags: ['type:nest'] } });
  });

  it('defaults to a core lib without adapter', () => {
    libGenerator(tree, { name: 'caching' });
    expect(readJson(tree, 'libs/caching/package.json')).toMatchObject({ nx: { tags: ['type:core'] } });
    expect(tree.exists('libs/caching/src/nest')).toBe(false);
  });

  it('leaves no template markers in names or contents', () => {
    libGenerator(tree, { name: 'caching', nestAdapter: true });
    libGenerator(tree, { name: 'audit', kind: 'nest' });
    for (const file of [...filesUnder(tree, 'libs/caching'), ...filesUnder(tree, 'libs/audit')]) {
      expect(file).not.toMatch(/__\w+__/);
      expect(tree.read(file, 'utf8')).not.toMatch(/<%|%>/);
    }
  });

  describe('bad input: a clear error and nothing written', () => {
    const expectNothingWritten = (run: () => unknown, message: RegExp | string) => {
      const before = tree.listChanges().length;
      expect(run).toThrow(message);
      expect(tree.listChanges()).toHaveLength(before);
    };

    it.each(['Caching', 'caching!', 'my_lib', '9lives', ''])('rejects the name %j', (name) => {
      expectNothingWritten(() => libGenerator(tree, { name }), /Invalid lib name .*lower-case kebab case/);
    });

    it('rejects an unknown kind, naming the allowed ones', () => {
      const schema = { name: 'caching', kind: 'react' } as unknown as Parameters<typeof libGenerator>[1];
      expectNothingWritten(() => libGenerator(tree, schema), 'Invalid --kind="react": expected one of core, nest');
    });

    it('rejects --nest-adapter on a Nest lib', () => {
      expectNothingWritten(() => libGenerator(tree, { name: 'audit', kind: 'nest', nestAdapter: true }), '--nest-adapter applies to --kind=core only');
    });

    it('refuses a name another workspace project already uses as its package name', () => {
      writeJson(tree, 'apps/caching/package.json', { name: '@meshway/caching', version: '0.1.0' });
      writeJson(tree, 'package.json', { ...readJson<Record<string, unknown>>(tree, 'package.json'), workspaces: ['apps/*', 'libs/*'] });
      expectNothingWritten(() => libGenerator(tree, { name: 'caching' }), 'A project named @meshway/caching already exists');
    });

    it('refuses a name whose folder exists', () => {
      tree.write('libs/caching/notes.md', 'keep me');
      expect(() => libGenerator(tree, { name: 'caching' })).toThrow('libs/caching already exists');
      expect(tree.children('libs/caching')).toEqual(['notes.md']);
    });
  });
});
