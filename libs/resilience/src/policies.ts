import { z } from 'zod';
import { BREAKER_DEFAULTS, type BreakerOptions } from './circuit.breaker.js';
import type { BulkheadOptions } from './bulkhead.js';
import { OUTLIER_DEFAULTS, type OutlierOptions } from './outlier.detector.js';
import { RETRY_BUDGET_DEFAULTS, type RetryBudgetOptions } from './retry.budget.js';
import { RETRY_DEFAULTS, type RetryOptions } from './retry.policy.js';

const ms = (max: number) => z.number().int().min(1).max(max);

const retriesSchema = z
  .object({
    /** Attempts in all, the first included. */
    attempts: z.number().int().min(1).max(10).optional(),
    /** Each attempt's own limit, ms (the deadline still bounds them all); unset: only the deadline. */
    perTryTimeoutMs: ms(3_600_000).optional(),
    /** Retry any method, not only idempotent ones. */
    retryable: z.boolean().optional(),
    backoff: z.object({ baseMs: ms(60_000).optional(), maxMs: ms(600_000).optional() }).strict().optional(),
    budget: z.union([z.literal(false), z.object({ ratio: z.number().min(0).max(10).optional(), minRetriesPerSecond: z.number().min(0).max(100_000).optional(), windowSec: z.number().int().min(1).max(600).optional() }).strict()]).optional(),
  })
  .strict();

const breakerSchema = z
  .object({
    consecutiveFailures: z.number().int().min(1).max(1_000).optional(),
    failureRatio: z.number().gt(0).max(1).optional(),
    windowSec: z.number().int().min(1).max(600).optional(),
    minRequests: z.number().int().min(1).max(1_000_000).optional(),
    openMs: ms(3_600_000).optional(),
    maxOpenMs: ms(3_600_000).optional(),
    halfOpenProbes: z.number().int().min(1).max(1_000).optional(),
  })
  .strict()
  .refine((breaker) => !(breaker.consecutiveFailures !== undefined && breaker.failureRatio !== undefined), { error: 'give consecutiveFailures or failureRatio, not both' });

const bulkheadSchema = z.object({ maxConcurrent: z.number().int().min(1).max(1_000_000), maxQueue: z.number().int().min(0).max(1_000_000).optional() }).strict();

const outlierSchema = z
  .object({
    consecutive5xx: z.number().int().min(1).max(1_000).optional(),
    consecutiveGatewayFailures: z.number().int().min(1).max(1_000).optional(),
    consecutiveConnectFailures: z.number().int().min(1).max(1_000).optional(),
    baseEjectionMs: ms(3_600_000).optional(),
    maxEjectionMs: ms(3_600_000).optional(),
    maxEjectionPercent: z.number().min(0).max(100).optional(),
  })
  .strict();

/**
 * The resilience settings as configuration writes them (routes file, Nest module, MeshClient options): a zod shape to
 * spread into a bigger object schema, so a bad value is named by its field wherever it is written. `false` turns a
 * policy off; absent takes the default.
 */
export const resilienceConfigShape = {
  retries: z.union([z.literal(false), retriesSchema]).optional(),
  /** Statuses worth another attempt (on top of connection failures and timeouts). */
  retryOn: z.array(z.number().int().min(400).max(599)).optional(),
  breaker: z.union([z.literal(false), breakerSchema]).optional(),
  bulkhead: z.union([z.literal(false), bulkheadSchema]).optional(),
  outlier: z.union([z.literal(false), outlierSchema]).optional(),
};

export const resilienceConfigSchema = z.object(resilienceConfigShape).strict();
export type ResilienceConfig = z.input<typeof resilienceConfigSchema>;

/** Resolved policies: `undefined` means off. */
export interface ResiliencePolicies {
  readonly retry: (RetryOptions & { readonly perTryTimeoutMs?: number }) | undefined;
  readonly budget: RetryBudgetOptions | undefined;
  readonly breaker: BreakerOptions | undefined;
  readonly bulkhead: BulkheadOptions | undefined;
  readonly outlier: OutlierOptions | undefined;
}

/**
 * What a route or call gets when it says nothing: 2 retries (3 attempts) for idempotent requests on connection failures
 * and 502/503/504, inside a 20 % retry budget; a breaker per instance (5 failures in a row); outlier ejection on;
 * no bulkhead (it needs a number only the operator knows).
 */
export const DEFAULT_POLICIES: ResilienceConfig = { retries: {}, breaker: {}, outlier: {}, bulkhead: false };

/**
 * Merges `config` over `defaults` (field by field; `false` turns a policy off) into the options the policies take.
 * Validation happens where the config is read (`resilienceConfigSchema`); this only fills in.
 */
export function resolvePolicies(config: ResilienceConfig = {}, defaults: ResilienceConfig = DEFAULT_POLICIES): ResiliencePolicies {
  const retries = pick(config.retries, defaults.retries);
  // A budget goes with retries unless turned off: the route's, else the default's, else the standard one.
  const budgetConfig = retries ? (retries.budget ?? (typeof defaults.retries === 'object' ? defaults.retries.budget : undefined) ?? {}) : false;
  const budget = budgetConfig === false ? undefined : budgetConfig;
  const breaker = pick(config.breaker, defaults.breaker);
  const retryOn = config.retryOn ?? defaults.retryOn;
  return {
    retry: retries && {
      attempts: retries.attempts ?? RETRY_DEFAULTS.attempts,
      retryOn: retryOn ?? RETRY_DEFAULTS.retryOn,
      retryable: retries.retryable ?? false,
      ...(retries.backoff ? { backoff: retries.backoff } : {}),
      ...(retries.perTryTimeoutMs === undefined ? {} : { perTryTimeoutMs: retries.perTryTimeoutMs }),
    },
    budget: budget && {
      ratio: budget.ratio ?? RETRY_BUDGET_DEFAULTS.ratio,
      minRetriesPerSecond: budget.minRetriesPerSecond ?? RETRY_BUDGET_DEFAULTS.minRetriesPerSecond,
      windowMs: (budget.windowSec ?? RETRY_BUDGET_DEFAULTS.windowMs / 1000) * 1000,
    },
    breaker: breaker && breakerOptions(breaker),
    bulkhead: pick(config.bulkhead, defaults.bulkhead),
    outlier: pick(config.outlier, defaults.outlier) && { ...OUTLIER_DEFAULTS, ...pick(config.outlier, defaults.outlier) },
  };
}

/** The config value when given, else the default; `false` (off) → undefined. */
function pick<T extends object>(given: T | false | undefined, fallback: T | false | undefined): T | undefined {
  const value = given ?? fallback;
  return value === false || value === undefined ? undefined : value;
}

function breakerOptions(breaker: Exclude<NonNullable<ResilienceConfig['breaker']>, false>): BreakerOptions {
  const { windowSec, failureRatio, consecutiveFailures, ...rest } = breaker;
  if (failureRatio === undefined) return { ...rest, consecutiveFailures: consecutiveFailures ?? BREAKER_DEFAULTS.consecutiveFailures };
  return { ...rest, failureRatio, ...(windowSec === undefined ? {} : { windowMs: windowSec * 1000 }) };
}
