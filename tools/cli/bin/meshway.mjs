#!/usr/bin/env node
// `npx meshway …`: runs the CLI's TypeScript source in place (swc, no build step).
import '@swc-node/register/esm-register';

const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
