import { NatsForwarder } from '../forward/nats.forwarder.js';
import { HttpForwarder } from '../forward/http.forwarder.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { GatewayError } from '../gateway.errors.js';
import { compileChain, type CompiledChain } from './chain.compiler.js';
import type { RouteContext, StepFactory } from './step.js';
import { authStep } from './steps/auth.step.js';
import { bodyLimitStep } from './steps/body-limit.step.js';
import { bulkheadStep } from './steps/bulkhead.step.js';
import { corsStep } from './steps/cors.step.js';
import { deadlineStep } from './steps/deadline.step.js';
import { metricsStep } from './steps/metrics.step.js';
import { instancePickStep } from './steps/pick.step.js';
import { rateLimitStep } from './steps/rate-limit.step.js';
import { retryStep } from './steps/retry.step.js';
import { versionStep } from './steps/version.step.js';

/**
 * Every step a route may have, in chain order: THE place a new step is registered. Each factory decides for itself
 * whether a route gets its step; the terminal forwarder (HTTP or NATS) closes the chain.
 */
export const ROUTE_STEPS: readonly StepFactory[] = [
  metricsStep, // the request counts under its route from here on
  corsStep, // CORS headers for allowed origins, on every answer that follows (a browser can read a 401 too)
  authStep, // who is calling (JWT, API key) and with which scopes → 401/403; identity headers for the upstream
  rateLimitStep, // the caller's (or IP's, or route's) budget → 429 with RateLimit-* and Retry-After
  deadlineStep, // route timeout, or the caller's x-request-timeout when shorter
  bodyLimitStep, // declared Content-Length over the route's limit → 413
  versionStep, // which instances: the caller's version, the route's version, or the release's side
  bulkheadStep, // at most maxConcurrent in flight to the upstream, a bounded queue, else 503
  retryStep, // re-runs the steps below it (another instance) when policy, budget and deadline allow
  instancePickStep, // balancer pick (HTTP); "any instance at all?" (NATS)
];

/** What the terminals need beyond the route: the gateway's NATS connection (absent: NATS routes answer 503). */
export interface TerminalDeps {
  readonly nats: () => NatsConnection | undefined;
}

/** Builds a route's chain: the steps its factories make for it, then its forwarder. Runs when the route table is built. */
export function buildRouteChain(route: RouteContext, deps: TerminalDeps, factories: readonly StepFactory[] = ROUTE_STEPS): CompiledChain {
  const steps = factories.flatMap((factory) => {
    const step = factory.create(route);
    return step === undefined ? [] : [{ name: factory.name, step }];
  });
  const terminal = route.spec.transport === 'nats' ? { name: 'nats', run: new NatsForwarder(route, deps.nats).run } : { name: 'http', run: new HttpForwarder(route).run };
  return compileChain(steps, terminal);
}

/** The chain of a route that must not be served (its auth could not be bound): every request answers 500. */
export function closedChain(): CompiledChain {
  return compileChain([], {
    name: 'closed',
    run: (ex) => {
      ex.fail(new GatewayError('MESHWAY_INTERNAL_ERROR', 'This route is misconfigured; the gateway refuses to serve it.'));
    },
  });
}
