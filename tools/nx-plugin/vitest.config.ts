import { meshwayVitest } from '../../vitest.shared.js';

const config = meshwayVitest(import.meta.dirname, { name: 'nx-plugin', testTimeout: 30_000 });

// The shared conditions list 'import', which Vitest also applies to require() inside CommonJS packages:
// @nx/devkit's require('ejs') would then load ejs's ESM build (a namespace without .render) and
// generateFiles would fail. Without 'import', require() gets the CommonJS build; ESM imports are unaffected.
const conditions = ['@meshway/source', 'node', 'default'];
if (config.resolve) config.resolve.conditions = conditions;
if (config.ssr?.resolve) config.ssr.resolve.conditions = conditions;

export default config;
