import type { Clock, TimerHandle } from '@meshway/clock';
import type { Deadline } from './deadline.js';
import type { FailureKind } from './failure-kind.js';
import type { Identified } from './identified.js';
import type { Attempt } from './resilience.policy.js';
import { ResilienceError, ResilienceErrorCode } from './resilience.errors.js';
import type { UpstreamGuards } from './upstream.guards.js';

/** The whole call's signal: aborted at the deadline (MESHWAY_DEADLINE_EXCEEDED) or with the caller's own reason. */
export class CallLimits {
  private readonly controller = new AbortController();
  private readonly timer: TimerHandle;
  private readonly onCallerAbort: (() => void) | undefined;
  callerAborted = false;

  constructor(
    private readonly clock: Clock,
    deadline: Deadline | undefined,
    private readonly caller: AbortSignal | undefined,
  ) {
    if (deadline !== undefined) {
      const ms = deadline.remaining(clock);
      this.timer = clock.setTimeout(() => {
        this.controller.abort(new ResilienceError(ResilienceErrorCode.DeadlineExceeded, `The deadline passed during the call (${Math.ceil(ms)} ms)`));
      }, ms);
    }
    if (caller !== undefined) {
      this.onCallerAbort = () => {
        this.callerAborted = true;
        this.controller.abort(caller.reason);
      };
      caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

/** One attempt's state: its signal (the call's, or a per-try limit), the instance it chose, and its reports. */
export class AttemptRun implements Attempt {
  readonly remainingMs: number;
  instanceId: string | undefined;
  /** `choose` refused (every breaker open): not the instance's failure, never retried. */
  refused = false;
  timedOut = false;
  private addedToTried = false;
  private readonly controller = new AbortController();
  private readonly perTry: TimerHandle;
  private readonly onCallAbort = (): void => {
    this.timedOut = !this.limits.callerAborted;
    this.controller.abort(this.limits.signal.reason);
  };

  constructor(
    readonly number: number,
    private readonly clock: Clock,
    private readonly guards: UpstreamGuards | undefined,
    private readonly tried: Set<string>,
    private readonly limits: CallLimits,
    deadline: Deadline | undefined,
    perTryTimeoutMs: number | undefined,
  ) {
    const left = deadline ? deadline.remaining(clock) : Number.POSITIVE_INFINITY;
    this.remainingMs = perTryTimeoutMs === undefined ? left : Math.min(left, perTryTimeoutMs);
    if (perTryTimeoutMs !== undefined && perTryTimeoutMs < left) {
      this.perTry = clock.setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new ResilienceError(ResilienceErrorCode.AttemptTimeout, `Attempt ${number} took longer than its ${perTryTimeoutMs} ms limit`));
      }, perTryTimeoutMs);
    }
    limits.signal.addEventListener('abort', this.onCallAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  choose<I extends Identified>(instances: readonly I[], pick: (candidates: readonly I[]) => I | undefined): I | undefined {
    if (this.instanceId !== undefined) {
      // Chosen again within one attempt: the first choice was never tried.
      if (this.addedToTried) this.tried.delete(this.instanceId);
      this.release();
    }
    let candidates = this.guards && instances.length > 0 ? this.guards.available(instances) : instances;
    if (candidates.length === 0 && instances.length > 0) return this.refuse(instances.length);
    if (this.tried.size > 0 && candidates.length > 1) {
      const fresh = candidates.filter((instance) => !this.tried.has(instance.id));
      if (fresh.length > 0) candidates = fresh;
    }
    const chosen = pick(candidates);
    if (chosen === undefined) return undefined;
    if (this.guards && !this.guards.tryAcquire(chosen.id)) return this.refuse(instances.length);
    this.instanceId = chosen.id;
    this.addedToTried = !this.tried.has(chosen.id);
    this.tried.add(chosen.id);
    return chosen;
  }

  report(outcome: 'success' | FailureKind, status?: number): void {
    if (this.instanceId !== undefined) this.guards?.report(this.instanceId, outcome, status);
  }

  release(): void {
    if (this.instanceId !== undefined) this.guards?.release(this.instanceId);
    this.instanceId = undefined;
  }

  dispose(): void {
    if (this.perTry !== undefined) this.clock.clearTimeout(this.perTry);
    this.limits.signal.removeEventListener('abort', this.onCallAbort);
  }

  private refuse(count: number): never {
    this.refused = true;
    throw new ResilienceError(ResilienceErrorCode.CircuitOpen, `The circuit breaker of every instance (${count}) is open`);
  }
}
