import type { Clock } from '@meshway/clock';
import { BreakerBoard, type BoardListener } from './breaker.board.js';
import { Bulkhead } from './bulkhead.js';
import type { AttemptOutcome } from './failure-kind.js';
import type { Identified } from './identified.js';
import { OutlierDetector, type EjectionListener } from './outlier.detector.js';
import type { ResiliencePolicies } from './resilience.config.js';
import { RetryBudget } from './retry.budget.js';

/** Told what the guards of one upstream did, for logs and metrics. */
export interface GuardListeners {
  readonly onBreakerChange?: BoardListener;
  readonly onEjection?: EjectionListener;
}

/**
 * What resilience keeps per upstream service, shared by every route and call that reaches it: the retry budget, a
 * circuit breaker per instance, outlier ejection and the bulkhead (each `undefined` when its policy is off). Picking
 * goes through `available()`, every attempt through `tryAcquire()` and `report()`. Synchronous and allocation-free on
 * the success path, so the gateway's hot path uses it as it is; `ResiliencePolicy` builds MeshClient's loop on it.
 */
export class UpstreamGuards {
  readonly budget: RetryBudget | undefined;
  readonly breakers: BreakerBoard | undefined;
  readonly outlier: OutlierDetector | undefined;
  readonly bulkhead: Bulkhead | undefined;

  constructor(policies: Pick<ResiliencePolicies, 'budget' | 'breaker' | 'outlier' | 'bulkhead'>, clock: Clock, listeners: GuardListeners = {}) {
    this.budget = policies.budget && new RetryBudget(policies.budget, clock);
    this.breakers = policies.breaker && new BreakerBoard(policies.breaker, clock, listeners.onBreakerChange);
    this.outlier = policies.outlier && new OutlierDetector(policies.outlier, clock, listeners.onEjection);
    this.bulkhead = policies.bulkhead && new Bulkhead(policies.bulkhead);
  }

  /** The instances that may take a request now: not ejected, breaker admitting (the same array when that is all). */
  available<I extends Identified>(instances: readonly I[]): readonly I[] {
    const kept = this.outlier ? this.outlier.filter(instances) : instances;
    return this.breakers ? this.breakers.filter(kept) : kept;
  }

  /** The breaker's permission for one attempt on `instanceId` (a probe slot when half-open). */
  tryAcquire(instanceId: string): boolean {
    return this.breakers?.tryAcquire(instanceId) ?? true;
  }

  /**
   * How an attempt on `instanceId` went. A `status` below 500 (a 429 the caller retries, say) is an answer: the instance
   * works, so breakers and ejection count it as a success.
   */
  report(instanceId: string, outcome: AttemptOutcome, status?: number): void {
    const failed = outcome !== 'success' && !(outcome === 'status' && status !== undefined && status < 500);
    if (failed) this.breakers?.onFailure(instanceId);
    else this.breakers?.onSuccess(instanceId);
    this.outlier?.report(instanceId, outcome, status);
  }

  /** An acquired attempt ended without a verdict on the instance (the caller gave up): frees a probe slot it held. */
  release(instanceId: string): void {
    this.breakers?.release(instanceId);
  }

  /** The instances now (after a discovery change): state of those that left is forgotten. */
  retain(instances: readonly Identified[]): void {
    this.breakers?.retain(instances);
    this.outlier?.retain(instances);
  }
}
