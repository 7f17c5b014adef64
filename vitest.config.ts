import { defineConfig } from 'vitest/config';

// Every project brings its own vitest.config.ts built from vitest.shared.ts.
export default defineConfig({
  test: {
    projects: ['apps/*/vitest.config.ts', 'libs/*/vitest.config.ts', 'tools/*/vitest.config.ts', 'test/vitest.config.ts'],
    maxWorkers: 2,
  },
});
