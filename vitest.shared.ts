import swc from 'unplugin-swc';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/** Options a project may pass to tune its test run. */
export interface MeshwayVitestOptions {
  /** Project name shown in reports; defaults to the folder name. */
  readonly name: string;
  /** Per-test timeout in ms (cross-process suites need more than the default 5 s). */
  readonly testTimeout?: number;
  /** Glob(s) of spec files, relative to the project root. */
  readonly include?: string[];
}

/**
 * One Vitest setup for every project: swc for decorator metadata (Nest DI needs it),
 * and the `@meshway/source` condition so workspace libs resolve to their TypeScript source.
 */
export function meshwayVitest(root: string, options: MeshwayVitestOptions): UserWorkspaceConfig {
  return defineProject({
    root,
    plugins: [
      swc.vite({
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2023',
          keepClassNames: true,
        },
      }),
    ],
    resolve: { conditions: ['@meshway/source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@meshway/source', 'node', 'import', 'default'], externalConditions: ['@meshway/source'] } },
    test: {
      name: options.name,
      environment: 'node',
      include: options.include ?? ['src/**/*.spec.ts', '*.spec.ts'],
      testTimeout: options.testTimeout ?? 10_000,
      hookTimeout: options.testTimeout ?? 30_000,
      pool: 'forks',
    },
  });
}
