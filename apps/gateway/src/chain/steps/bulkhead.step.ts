import { ResilienceError } from '@meshway/resilience';
import { GatewayError } from '../../gateway.errors.js';
import type { Exchange } from '../exchange.js';
import type { RouteContext, Step, StepFactory } from '../step.js';

function full(route: RouteContext, error?: unknown): GatewayError {
  route.recorder.bulkheadFull();
  const message = error instanceof ResilienceError ? error.message : `${route.spec.service} is at its limit of requests in flight.`;
  return new GatewayError('MESHWAY_BULKHEAD_FULL', message, { headers: { 'retry-after': '1' } });
}

function limitInFlight(route: RouteContext, bulkhead: NonNullable<RouteContext['guards']['bulkhead']>): Step {
  return (ex: Exchange, next) => {
    if (bulkhead.tryAcquire()) {
      ex.permit = bulkhead;
      next(ex);
      return undefined;
    }
    // The slow path: wait in the bounded queue, at most until the request's deadline.
    const controller = new AbortController();
    ex.upstream = { abort: () => { controller.abort(); } };
    return bulkhead.acquire(controller.signal).then(
      () => {
        ex.upstream = undefined;
        if (ex.done) {
          bulkhead.release();
          return;
        }
        ex.permit = bulkhead;
        next(ex);
      },
      (error: unknown) => {
        ex.upstream = undefined;
        if (!ex.done) throw full(route, error);
      },
    );
  };
}

/**
 * Routes whose upstream has a bulkhead (`bulkhead: { maxConcurrent, maxQueue }`): at most `maxConcurrent` requests in
 * flight to the service, `maxQueue` more waiting (until their deadline); beyond that 503 MESHWAY_BULKHEAD_FULL at once.
 * The slot is given back where every request ends.
 */
export const bulkheadStep: StepFactory = {
  name: 'bulkhead',
  create: (route) => (route.guards.bulkhead ? limitInFlight(route, route.guards.bulkhead) : undefined),
};
