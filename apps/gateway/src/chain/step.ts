import type { Balancer } from '@meshway/balancing';
import type { Clock, Random } from '@meshway/clock';
import type { ResiliencePolicies, UpstreamGuards } from '@meshway/resilience';
import type { GatewayLogger } from '../gateway.logger.js';
import type { RouteRecorder } from '../metrics/gateway.metrics.js';
import type { ReleaseTable } from '../releases/release.table.js';
import type { CorsPolicy } from '../routing/cors.policy.js';
import type { RouteSpec } from '../routing/route.definition.js';
import type { RouteAdmission } from '../security/route-admission.js';
import type { Upstream } from '../upstream/upstream.js';
import type { Exchange } from './exchange.js';

/** Passes the exchange on to the rest of the route's chain. Bound once per route, when the chain is compiled. */
export type Next = (ex: Exchange) => void;

/**
 * One step of a route's chain. It looks at the exchange and then passes it on (`next(ex)`), answers it (throws a
 * GatewayError, or `ex.fail(…)`), or waits and then passes it on. Only a step that must wait (a key fetch, Redis)
 * returns a Promise; everything else stays synchronous, so the common request never leaves the event-loop tick.
 */
export type Step = (ex: Exchange, next: Next) => void | Promise<void>;

/**
 * The end of a step whose answer may come now or later (a cached token or a memory count now; a first token or a Redis
 * count later): `apply` it (it throws to refuse) and pass the exchange on — at once when the answer is there, else once
 * it settles, unless the exchange ended meanwhile (deadline, client gone). `apply` is made once per route.
 */
export function whenDecided<T>(ex: Exchange, answer: T | Promise<T>, apply: (ex: Exchange, answer: T) => void, next: Next): void | Promise<void> {
  if (!(answer instanceof Promise)) {
    apply(ex, answer);
    next(ex);
    return undefined;
  }
  return answer.then((settled) => {
    if (ex.done) return;
    apply(ex, settled);
    next(ex);
  });
}

/** What a step factory may use: the route it builds for and the gateway's shared parts. */
export interface RouteContext {
  /** `METHODS host/path`, the route's identity (and `route` metric label). */
  readonly key: string;
  readonly spec: RouteSpec;
  readonly upstream: Upstream;
  readonly balancer: Balancer;
  /** The route's metrics recorder. */
  readonly recorder: RouteRecorder;
  /** The route's resilience policies (undefined fields: off). */
  readonly policies: ResiliencePolicies;
  /** Budget, breakers, outlier detection and bulkhead of the route's upstream, shared by routes with the same policies. */
  readonly guards: UpstreamGuards;
  /** What the route asks of a request before it goes upstream (auth, rate limit); undefined: nothing. */
  readonly admission: RouteAdmission | undefined;
  /** The route's compiled CORS rules, when it has any. */
  readonly cors: CorsPolicy | undefined;
  /** Live releases by service (canary splits), read per request by the version step. */
  readonly releases: ReleaseTable;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: GatewayLogger;
}

/**
 * Makes one kind of step for a route, or `undefined` when the route does not use it: a step a route does not need
 * is absent from its chain, not a no-op. Factories run when the route table is built, never per request.
 */
export interface StepFactory {
  /** Shown in `/routes` as the route's chain. */
  readonly name: string;
  create(route: RouteContext): Step | undefined;
}
