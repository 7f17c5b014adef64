import { AsyncLocalStorage } from 'node:async_hooks';
import type { Deadline } from './deadline.js';

const context = new AsyncLocalStorage<Deadline>();

/**
 * Runs `fn` with `deadline` as the current one: every call made inside it, however deep the await chain, sees it through
 * {@link currentDeadline} — so a service's outgoing MeshClient calls inherit what is left of the request they serve.
 * Nested, the earlier deadline wins: inner work never gets more time than the work it is part of.
 * The Nest adapter does this for every HTTP and NATS request a service handles.
 */
export function runWithDeadline<T>(deadline: Deadline, fn: () => T): T {
  const outer = context.getStore();
  return context.run(outer !== undefined && outer.at <= deadline.at ? outer : deadline, fn);
}

/** The deadline of the work being done now, if any. */
export function currentDeadline(): Deadline | undefined {
  return context.getStore();
}
