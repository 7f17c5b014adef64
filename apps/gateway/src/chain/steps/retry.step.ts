import type { AttemptFailure, Exchange, RetryHook } from '../exchange.js';
import type { Next, RouteContext, StepFactory } from '../step.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const MAX_ATTEMPTS = 3;

/**
 * Sends a failed attempt again, on another instance: when the instance refused the connection (the request never left,
 * whatever its method), or the connection broke under an idempotent request — and only when the request can be sent
 * again (no body streamed). Made once per route; the exchange only holds a reference to it.
 */
class RetryOnConnectionFailure implements RetryHook {
  private next: Next = () => undefined;

  constructor(private readonly route: RouteContext) {}

  readonly step = (ex: Exchange, next: Next): void => {
    this.next = next;
    ex.retry = this;
    next(ex);
  };

  retry(ex: Exchange, failure: AttemptFailure): boolean {
    if (!ex.resendable || ex.attempts >= MAX_ATTEMPTS || ex.done) return false;
    if (failure.kind !== 'connect' && !(failure.kind === 'reset' && IDEMPOTENT.has(ex.req.method ?? ''))) return false;
    if (!this.hasAnotherInstance(ex)) return false;
    try {
      this.next(ex);
    } catch (error) {
      ex.failWith(error);
    }
    return true;
  }

  private hasAnotherInstance(ex: Exchange): boolean {
    const healthy = ex.versionRange === undefined ? this.route.upstream.httpInstances : this.route.upstream.httpInstancesFor(ex.versionRange);
    return healthy.some((instance) => instance !== ex.instance);
  }
}

/** HTTP routes: failover to another instance on connection failures (see {@link RetryOnConnectionFailure}). */
export const retryStep: StepFactory = {
  name: 'retry',
  create: (route) => (route.spec.transport === 'http' ? new RetryOnConnectionFailure(route).step : undefined),
};
