import type { ServiceInstance } from '@meshway/discovery';

/** What a strategy may look at when picking, besides the instances. */
export interface PickContext {
  /** Key for consistent hashing (from a header, cookie or path parameter, chosen by the caller). */
  readonly hashKey?: string;
}

/** The outcome of one request, reported back to strategies that learn (least-request, peak EWMA). */
export interface RequestOutcome {
  readonly ok: boolean;
  /** Measured latency in milliseconds. */
  readonly latencyMs: number;
}

/**
 * A load-balancing strategy. `pick` chooses one of the given (healthy) instances, or
 * `undefined` for an empty list. Strategies that track load get told when a request starts
 * and ends: `begin(instance)` returns the function to call with its outcome.
 */
export interface Balancer {
  readonly name: BalancerName;
  pick(instances: readonly ServiceInstance[], context?: PickContext): ServiceInstance | undefined;
  begin(instance: ServiceInstance): (outcome: RequestOutcome) => void;
}

export const BALANCER_NAMES = ['round-robin', 'random', 'weighted', 'least-request', 'p2c-ewma', 'consistent-hash'] as const;
export type BalancerName = (typeof BALANCER_NAMES)[number];
