import type { TimerHandle } from '@meshway/clock';
import { RetryPolicy } from '@meshway/resilience';
import type { AttemptFailure, Exchange, RetryHook } from '../exchange.js';
import type { Next, RouteContext, StepFactory } from '../step.js';

/**
 * Sends a failed attempt again when the route's policy, the upstream's retry budget and the deadline all allow it:
 * after a full-jitter backoff (or the upstream's Retry-After), to another instance when there is one. Runs the steps
 * below it again (pick, forward); made once per route — the exchange only holds a reference to it.
 */
class RetryStep implements RetryHook {
  private next: Next = () => undefined;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly route: RouteContext,
    options: NonNullable<RouteContext['policies']['retries']>,
  ) {
    this.policy = new RetryPolicy(options, route.random);
  }

  readonly step = (ex: Exchange, next: Next): void => {
    this.next = next;
    ex.retry = this;
    this.route.guards.budget?.recordRequest();
    next(ex);
  };

  retry(ex: Exchange, failure: AttemptFailure): boolean {
    if (ex.done) return false;
    const decision = this.policy.decide({
      attempt: ex.attempts, method: ex.req.method, failure: failure.kind, remainingMs: ex.remainingMs(),
      responseStarted: false, replayable: ex.resendable,
      ...(failure.status === undefined ? {} : { status: failure.status }), ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    });
    if (!decision.retry || !this.somewhereToGo(ex, failure)) return false;
    const budget = this.route.guards.budget;
    if (budget && !budget.tryWithdraw()) {
      this.route.recorder.budgetExhausted();
      return false;
    }
    this.route.recorder.retried();
    if (decision.delayMs === 0) this.again(ex);
    else this.later(ex, decision.delayMs);
    return true;
  }

  /** A refused connection is not worth trying on the same instance; other failures may be (a 503 with Retry-After). */
  private somewhereToGo(ex: Exchange, failure: AttemptFailure): boolean {
    if (this.route.spec.transport === 'nats' || failure.kind !== 'connect') return true;
    const { upstream } = this.route;
    const healthy = ex.versionRange === undefined ? upstream.httpInstances : upstream.httpInstancesFor(ex.versionRange);
    return this.route.guards.available(healthy).some((instance) => instance !== ex.instance);
  }

  private later(ex: Exchange, delayMs: number): void {
    const clock = this.route.clock;
    let timer: TimerHandle = undefined;
    ex.upstream = { abort: () => { clock.clearTimeout(timer); } };
    timer = clock.setTimeout(() => {
      this.again(ex);
    }, delayMs);
  }

  private again(ex: Exchange): void {
    ex.upstream = undefined;
    if (ex.done) return;
    try {
      this.next(ex);
    } catch (error) {
      ex.failWith(error);
    }
  }
}

/** Routes with retries (all by default): see {@link RetryStep}. */
export const retryStep: StepFactory = {
  name: 'retry',
  create: (route) => (route.policies.retries && route.policies.retries.maxAttempts > 1 ? new RetryStep(route, route.policies.retries).step : undefined),
};
