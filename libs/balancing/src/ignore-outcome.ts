import type { RequestOutcome } from './balancer.js';

/** The `begin()` result of strategies that do not learn: one shared function, so the hot path allocates nothing. */
export const ignoreOutcome = (_outcome: RequestOutcome): void => undefined;
