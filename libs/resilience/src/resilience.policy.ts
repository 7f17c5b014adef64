import type { Clock } from '@meshway/clock';
import { AttemptRun, CallLimits } from './attempt.run.js';
import { Deadline } from './deadline.js';
import { currentDeadline, runWithDeadline } from './deadline.context.js';
import type { FailureKind } from './failure-kind.js';
import type { Identified } from './identified.js';
import type { RetryPolicy } from './retry.policy.js';
import type { UpstreamGuards } from './upstream.guards.js';

/** What a failed attempt says about the instance, as the caller's transport classifies its own errors. */
export interface AttemptFailure {
  readonly failure: FailureKind;
  /** The status answered, for `failure: 'status'`. */
  readonly status?: number;
  /** The upstream's `Retry-After`, ms. */
  readonly retryAfterMs?: number;
  /** Part of the answer was already used (a stream): never retried. */
  readonly responseStarted?: boolean;
}

/** One attempt, as the callback given to `execute` sees it. */
export interface Attempt {
  /** 1-based. */
  readonly number: number;
  /** Ms this attempt may take (the deadline, or the per-try limit when earlier); `Infinity` without either. */
  readonly remainingMs: number;
  /** Fires when the attempt's time is up or the caller aborts: hand it to the transport. */
  readonly signal: AbortSignal;
  /**
   * The instance for this attempt: leaves out ejected instances and open breakers (and those tried already, when others
   * remain), lets the caller's balancer `pick` among the rest, and takes that instance's breaker permission. Outcomes
   * are then reported against it. Undefined when `pick` returns undefined (the caller's "no instance" case);
   * MESHWAY_CIRCUIT_OPEN when there are instances but every breaker is open.
   */
  choose<I extends Identified>(instances: readonly I[], pick: (candidates: readonly I[]) => I | undefined): I | undefined;
}

export interface ExecuteOptions {
  /** The HTTP method; undefined for a message pattern (then only `retryable` calls are retried after a send). */
  readonly method?: string;
  /** This call may be repeated whatever its method. */
  readonly retryable?: boolean;
  /** Default: the current one (`currentDeadline()`), so a handler's calls inherit what is left of its request; never later than it. */
  readonly deadline?: Deadline;
  /** This call's own budget, ms; the earlier of it and the deadline wins. */
  readonly timeoutMs?: number;
  /** The caller gives up: the attempt is aborted, no retry follows, and its reason is what `execute` rejects with. */
  readonly signal?: AbortSignal;
}

export interface RetryEvent {
  /** The attempt that failed. */
  readonly attempt: number;
  readonly instanceId: string | undefined;
  readonly failure: AttemptFailure;
  readonly delayMs: number;
}

export interface ResiliencePolicyOptions {
  readonly clock: Clock;
  /** Undefined: one attempt only. */
  readonly retry?: RetryPolicy;
  /** The upstream's budget, breakers, ejection and bulkhead; undefined: none of them. */
  readonly guards?: UpstreamGuards;
  /**
   * What an error thrown by an attempt says about the instance: a failure (reported; retried when the policy, the budget
   * and the deadline allow), or undefined — not the instance's fault (a 404, a bad request): thrown as it is at once.
   * Attempts cut off by their time limit are `timeout` failures without asking.
   */
  readonly classify: (error: unknown) => AttemptFailure | undefined;
  /** Told before each retry's wait (logs, metrics). */
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * MeshClient's async composition of the same pieces the gateway uses one by one: deadline → bulkhead → attempts, each
 * on an instance that is neither ejected nor behind an open breaker, its outcome reported, a failure tried again when
 * the retry policy says so, the upstream's budget has room and the backoff (slept on the injected clock) fits in the
 * deadline. Made once per upstream and call options; `execute` per call. Rejects with the last attempt's error.
 */
export class ResiliencePolicy {
  constructor(private readonly options: ResiliencePolicyOptions) {}

  async execute<R>(attempt: (attempt: Attempt) => Promise<R>, call: ExecuteOptions = {}): Promise<R> {
    const { clock, guards } = this.options;
    const deadline = this.deadlineOf(call);
    if (call.signal?.aborted === true) throw call.signal.reason;
    deadline?.throwIfExpired(clock);
    const limits = new CallLimits(clock, deadline, call.signal);
    let slot = false;
    try {
      if (guards?.bulkhead) {
        await guards.bulkhead.acquire(limits.signal);
        slot = true;
      }
      guards?.budget?.recordRequest();
      return await this.attempts(attempt, call, deadline, limits);
    } finally {
      if (slot) guards?.bulkhead?.release();
      limits.dispose();
    }
  }

  private async attempts<R>(fn: (attempt: Attempt) => Promise<R>, call: ExecuteOptions, deadline: Deadline | undefined, limits: CallLimits): Promise<R> {
    const { clock, guards, retry, classify } = this.options;
    const tried = new Set<string>();
    for (let number = 1; ; number++) {
      const run = new AttemptRun(number, clock, guards, tried, limits, deadline, retry?.options.perTryTimeoutMs);
      let failure: AttemptFailure | undefined;
      try {
        const result = await (deadline ? runWithDeadline(deadline, () => fn(run)) : fn(run));
        run.report('success');
        return result;
      } catch (error) {
        failure = run.timedOut ? { failure: 'timeout' } : run.refused || limits.callerAborted ? undefined : classify(error);
        if (failure === undefined) {
          run.release();
          throw error;
        }
        run.report(failure.failure, failure.status);
        const decision = retry?.decide({
          attempt: number,
          method: call.method,
          failure: failure.failure,
          status: failure.status,
          retryAfterMs: failure.retryAfterMs,
          remainingMs: deadline ? deadline.remaining(clock) : Number.POSITIVE_INFINITY,
          responseStarted: failure.responseStarted === true,
          retryable: call.retryable,
        });
        if (decision?.retry !== true || !(guards?.budget?.tryWithdraw() ?? true)) throw error;
        this.options.onRetry?.({ attempt: number, instanceId: run.instanceId, failure, delayMs: decision.delayMs });
        if (decision.delayMs > 0) await clock.sleep(decision.delayMs, limits.signal);
      } finally {
        run.dispose();
      }
    }
  }

  private deadlineOf(call: ExecuteOptions): Deadline | undefined {
    const current = currentDeadline();
    // An explicit deadline may shorten the served request's, never extend it.
    const inherited = call.deadline === undefined || (current !== undefined && current.at < call.deadline.at) ? current : call.deadline;
    if (call.timeoutMs === undefined) return inherited;
    return inherited ? inherited.within(call.timeoutMs, this.options.clock) : Deadline.after(call.timeoutMs, this.options.clock);
  }
}
