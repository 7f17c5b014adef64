import type { Exchange } from './exchange.js';
import type { Next, Step } from './step.js';

/** A route's compiled chain: call it with an exchange; the names say which steps it holds, in order. */
export interface CompiledChain {
  readonly run: Next;
  readonly steps: readonly string[];
}

/** Calls `step`; a step that waits and then fails answers its exchange instead of leaving it hanging. */
function link(step: Step, next: Next): Next {
  return (ex: Exchange): void => {
    const waiting = step(ex, next);
    if (waiting !== undefined) {
      waiting.catch((error: unknown) => {
        ex.failWith(error);
      });
    }
  };
}

/**
 * Folds the steps, last to first, around the terminal forwarder into one function — once per route, when the route
 * table is built. A request then costs one call per step present and allocates nothing for the chain itself.
 */
export function compileChain(steps: readonly { readonly name: string; readonly step: Step }[], terminal: { readonly name: string; readonly run: Next }): CompiledChain {
  let run = terminal.run;
  for (let i = steps.length - 1; i >= 0; i--) run = link((steps[i] as { step: Step }).step, run);
  return { run, steps: [...steps.map((s) => s.name), terminal.name] };
}
