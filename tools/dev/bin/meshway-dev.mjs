#!/usr/bin/env node
// `npm start`: runs the TypeScript orchestrator (src/main.ts) in this very process. swc compiles it on
// load and the `@meshway/source` condition resolves workspace packages to their source, so there is no
// build step and no second node process between the terminal's Ctrl-C and the orchestrator.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

// swc-node reads tsconfig.json from the working directory; point it at the repo's, whatever the cwd.
process.env.SWC_NODE_PROJECT ??= fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
register('./source.hooks.mjs', import.meta.url);
await import('../src/main.ts');
