import { BUILD_SCRIPT, dependencies } from '../dependency.ranges.js';
import type { LibKind } from './lib.schema.js';

const entry = (dir: string) => ({
  '@meshway/source': `./src/${dir}index.ts`,
  types: `./dist/${dir}index.d.ts`,
  default: `./dist/${dir}index.js`,
});

/** package.json of a generated lib: `exports` resolve to source under the `@meshway/source` condition. */
export function libPackageJson(name: string, kind: LibKind, nestAdapter: boolean): Record<string, unknown> {
  const usesNest = kind === 'nest' || nestAdapter;
  return {
    name: `@meshway/${name}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    exports: { '.': entry(''), ...(nestAdapter ? { './nest': entry('nest/') } : {}) },
    scripts: { build: BUILD_SCRIPT, test: 'vitest run' },
    dependencies: usesNest ? dependencies(['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs']) : {},
    nx: { tags: [`type:${kind}`] },
  };
}
