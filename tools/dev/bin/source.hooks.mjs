// Module hooks for running the TypeScript source directly: swc-node's hooks, with the
// `@meshway/source` export condition added (what `node --conditions=@meshway/source` does), so
// workspace packages resolve to their TypeScript source. One module, so swc sees the condition
// on its very first resolve (it captures the conditions once).
import { load as swcLoad, resolve as swcResolve } from '@swc-node/register/esm';

const CONDITION = '@meshway/source';

export function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes(CONDITION) ? context.conditions : [CONDITION, ...context.conditions];
  return swcResolve(specifier, { ...context, conditions }, nextResolve);
}

export const load = swcLoad;
