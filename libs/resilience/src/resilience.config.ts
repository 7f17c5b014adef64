import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './breaker.options.js';
import { resolveBulkheadOptions, type BulkheadOptions, type ResolvedBulkheadOptions } from './bulkhead.js';
import { optionsObject } from './option.checks.js';
import { resolveOutlierOptions, type OutlierOptions, type ResolvedOutlierOptions } from './outlier.options.js';
import { invalidOption } from './resilience.errors.js';
import { resolveRetryBudgetOptions, type ResolvedRetryBudgetOptions, type RetryBudgetOptions } from './retry.budget.js';
import { resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions } from './retry.policy.js';

/**
 * Resilience as configuration writes it — a plain object (JSON/YAML-friendly, no schema library) that a gateway routes
 * file, a Nest module and MeshClient options all pass the same way. Each piece: absent → the default's, `false` → off,
 * an object → that piece's options (absent fields take the piece's defaults; it replaces the default's piece whole).
 */
export interface ResilienceConfig {
  /** `{ maxAttempts, retryOn, retryOnFailures, idempotentOnly, retryable, backoff: { baseMs, maxMs }, perTryTimeoutMs }` */
  readonly retries?: RetryOptions | false;
  /** `{ ratio, windowMs, minRetriesPerSecond }`, per upstream service */
  readonly budget?: RetryBudgetOptions | false;
  /** `{ mode: 'consecutive', threshold }` or `{ mode: 'ratio', ratio, windowMs, minThroughput }`, with `openMs, maxOpenMs, halfOpenProbes` */
  readonly breaker?: BreakerOptions | false;
  /** `{ maxConcurrent, maxQueue }`, per upstream service */
  readonly bulkhead?: BulkheadOptions | false;
  /** `{ consecutive5xx, consecutiveGatewayFailures, consecutiveConnectFailures, baseEjectionMs, maxEjectionMs, maxEjectionPercent }` */
  readonly outlier?: OutlierOptions | false;
}

/** Resolved and validated: `undefined` means the piece is off. */
export interface ResiliencePolicies {
  readonly retries: ResolvedRetryOptions | undefined;
  readonly budget: ResolvedRetryBudgetOptions | undefined;
  readonly breaker: ResolvedBreakerOptions | undefined;
  readonly bulkhead: ResolvedBulkheadOptions | undefined;
  readonly outlier: ResolvedOutlierOptions | undefined;
}

/**
 * What a route or call that says nothing gets: 3 attempts (2 retries) for idempotent requests — any request when the
 * connection never got through — on connect/reset/timeout failures and 502/503/504, within a 20 %/10 s retry budget;
 * a circuit breaker per instance (5 failures in a row); outlier ejection; no bulkhead (its size is the operator's call).
 */
export const DEFAULT_POLICIES: ResilienceConfig = Object.freeze({
  retries: Object.freeze({ maxAttempts: 3 }),
  budget: Object.freeze({}),
  breaker: Object.freeze({}),
  outlier: Object.freeze({}),
  bulkhead: false,
});

const PIECES = ['retries', 'budget', 'breaker', 'bulkhead', 'outlier'] as const;

/**
 * Validates `config` and fills it from `defaults`, piece by piece, into the options the pieces take. Fails with
 * MESHWAY_RESILIENCE_INVALID_OPTIONS naming the option by its path (`retries.maxAttempts`, or under `path` when given:
 * `routes[2].resilience.retries.maxAttempts`), the value and what is allowed. Call it at boot, not per request.
 */
export function resolvePolicies(config: ResilienceConfig = {}, defaults: ResilienceConfig = DEFAULT_POLICIES, path = ''): ResiliencePolicies {
  const at = (piece: string): string => (path === '' ? piece : `${path}.${piece}`);
  const given = optionsObject(config, path === '' ? 'resilience' : path, PIECES);
  const fallback = optionsObject(defaults, 'defaults', PIECES);
  const piece = <T>(name: (typeof PIECES)[number], resolve: (value: never, path: string) => T): T | undefined => {
    const value = given[name] ?? fallback[name];
    if (value === false || value === undefined) return undefined;
    if (value === true) throw invalidOption(at(name), value, 'an object of options, or false (off)');
    return resolve(value as never, at(name));
  };
  return Object.freeze({
    retries: piece('retries', resolveRetryOptions),
    budget: piece('budget', resolveRetryBudgetOptions),
    breaker: piece('breaker', resolveBreakerOptions),
    bulkhead: piece('bulkhead', resolveBulkheadOptions),
    outlier: piece('outlier', resolveOutlierOptions),
  });
}
