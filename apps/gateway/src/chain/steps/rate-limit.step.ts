import { rateLimitHeaders, type RateLimitDecision } from '@meshway/rate-limit';
import type { RouteRecorder } from '../../metrics/gateway.metrics.js';
import { rateLimitedError } from '../../security/route-admission.js';
import type { Exchange } from '../exchange.js';
import { whenDecided, type StepFactory } from '../step.js';

/** Applies a decision: its `RateLimit-*` headers on whatever answer follows, and 429 (or 503 failing closed) when refused. */
function decide(ex: Exchange, decision: RateLimitDecision, recorder: RouteRecorder, route: string): void {
  const headers = rateLimitHeaders(decision);
  if (headers.length > 0) (ex.responseHeaders ??= []).push(...headers);
  if (decision.degraded) recorder.rateLimitDegraded();
  if (decision.allowed) return;
  recorder.rateLimited();
  throw rateLimitedError(decision, route);
}

/**
 * Routes with `rateLimit: { points, durationSec, by }`: at most `points` requests per window, counted per consumer (the
 * client IP for anonymous callers), per client IP, or for the whole route — after auth, so `by: consumer` counts the
 * authenticated consumer. The memory store decides in the same tick; Redis (shared by replicas) is one round trip,
 * bounded by its timeout, and when it cannot be asked the gateway fails open or closed as configured.
 */
export const rateLimitStep: StepFactory = {
  name: 'rate-limit',
  create: ({ admission, recorder, key }) => {
    const limiter = admission?.limiter;
    if (limiter === undefined) return undefined;
    const apply = (ex: Exchange, decision: RateLimitDecision): void => {
      decide(ex, decision, recorder, key);
    };
    return (ex, next) => whenDecided(ex, limiter.consume({ consumer: ex.consumer, ip: ex.clientIp }), apply, next);
  },
};
