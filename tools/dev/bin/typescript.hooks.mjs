// Module hooks that run the orchestrator's TypeScript source in place, with no build step:
//  - every import resolves with the `@meshway/source` export condition (what `--conditions` does), so
//    workspace packages load from their TypeScript source;
//  - a relative `./x.js` import from a `.ts` file loads `./x.ts` (nodenext-style specifiers);
//  - `.ts` files are compiled by @swc/core (types stripped, no typecheck).
// Why not @swc-node/register, which the apps use: it loads `typescript` and a resolver in the hooks
// thread, ~1.5 s of CPU before the first line runs; this costs ~0.3 s. The orchestrator needs no
// decorators and no tsconfig paths, so plain swc is enough here.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const CONDITION = '@meshway/source';

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  const conditions = context.conditions.includes(CONDITION) ? context.conditions : [CONDITION, ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
