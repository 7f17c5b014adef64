import type { Clock } from '@meshway/clock';
import { BreakerBoard, type BoardListener } from './breaker.board.js';
import { Bulkhead } from './bulkhead.js';
import type { AttemptOutcome } from './outcome.js';
import { OutlierDetector, type EjectionListener } from './outlier.detector.js';
import type { ResiliencePolicies } from './policies.js';
import { RetryBudget } from './retry.budget.js';

/** Told what the guards of one upstream did, for logs and metrics. */
export interface GuardListeners {
  readonly onBreaker?: BoardListener;
  readonly onEject?: EjectionListener;
}

/**
 * Everything resilience keeps per upstream service, shared by every route or call that reaches it with the same
 * policies: the retry budget, a circuit breaker per instance, outlier ejection and the bulkhead. Picking filters
 * through it (`available`), every attempt reports to it (`report`).
 */
export class UpstreamGuards {
  readonly budget: RetryBudget | undefined;
  readonly breakers: BreakerBoard | undefined;
  readonly outlier: OutlierDetector | undefined;
  readonly bulkhead: Bulkhead | undefined;

  constructor(policies: ResiliencePolicies, clock: Clock, listeners: GuardListeners = {}) {
    this.budget = policies.budget && new RetryBudget(policies.budget, clock);
    this.breakers = policies.breaker && new BreakerBoard(policies.breaker, clock, listeners.onBreaker);
    this.outlier = policies.outlier && new OutlierDetector(policies.outlier, clock, listeners.onEject);
    this.bulkhead = policies.bulkhead && new Bulkhead(policies.bulkhead);
  }

  /** The instances that may take a request now: not ejected, breaker not open (the same array when all may). */
  available<T extends { readonly id: string }>(instances: readonly T[]): readonly T[] {
    const notEjected = this.outlier ? this.outlier.filter(instances) : instances;
    return this.breakers ? this.breakers.filter(notEjected) : notEjected;
  }

  /** Takes the breaker's permission for an attempt on `instanceId` (a probe slot when half-open). */
  tryAcquire(instanceId: string): boolean {
    return this.breakers?.tryAcquire(instanceId) ?? true;
  }

  /** An attempt's outcome on `instanceId`, with how many instances there are now. */
  report(instanceId: string, outcome: AttemptOutcome, total: number): void {
    this.breakers?.report(instanceId, outcome);
    this.outlier?.report(instanceId, outcome, total);
  }

  /** Forgets instances that left discovery. */
  retain(ids: ReadonlySet<string>): void {
    this.breakers?.retain(ids);
    this.outlier?.retain(ids);
  }
}
