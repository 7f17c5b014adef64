#!/usr/bin/env node
// `npm start`: runs the TypeScript orchestrator (src/main.ts) in this very process — no build step, and
// no second node process between the terminal's Ctrl-C and the orchestrator. See typescript.hooks.mjs.
import { register } from 'node:module';

register('./typescript.hooks.mjs', import.meta.url);
await import('../src/main.ts');
