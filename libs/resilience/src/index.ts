export { type FailureKind, type AttemptOutcome, FAILURE_KINDS, IDEMPOTENT_METHODS } from './failure-kind.js';
export { type Identified } from './identified.js';
export { DEADLINE_HEADER, MAX_DEADLINE_MS, Deadline, parseTimeoutHeader, timeoutHeaderValue } from './deadline.js';
export { runWithDeadline, currentDeadline } from './deadline.context.js';
export { FullJitterBackoff, retryAfterMs, resolveBackoffOptions, BACKOFF_DEFAULTS, type BackoffOptions, type ResolvedBackoffOptions } from './full-jitter.backoff.js';
export {
  RetryPolicy,
  resolveRetryOptions,
  RETRY_DEFAULTS,
  DEFAULT_RETRY_STATUSES,
  type RetryOptions,
  type ResolvedRetryOptions,
  type RetryQuestion,
  type RetryDecision,
  type NoRetryReason,
} from './retry.policy.js';
export { RetryBudget, resolveRetryBudgetOptions, RETRY_BUDGET_DEFAULTS, type RetryBudgetOptions, type ResolvedRetryBudgetOptions } from './retry.budget.js';
export { resolveBreakerOptions, BREAKER_DEFAULTS, BREAKER_MODES, type BreakerMode, type BreakerOptions, type ResolvedBreakerOptions } from './breaker.options.js';
export { CircuitBreaker, type BreakerState, type BreakerListener } from './circuit-breaker.js';
export { type TripStrategy } from './trip.strategy.js';
export { ConsecutiveFailuresStrategy } from './consecutive-failures.strategy.js';
export { FailureRatioStrategy } from './failure-ratio.strategy.js';
export { BreakerBoard, type BoardListener } from './breaker.board.js';
export { Bulkhead, resolveBulkheadOptions, BULKHEAD_DEFAULTS, type BulkheadOptions, type ResolvedBulkheadOptions } from './bulkhead.js';
export { resolveOutlierOptions, OUTLIER_DEFAULTS, type OutlierOptions, type ResolvedOutlierOptions } from './outlier.options.js';
export { OutlierDetector, type EjectionEvent, type EjectionListener, type EjectionReason } from './outlier.detector.js';
export { UpstreamGuards, type GuardListeners } from './upstream.guards.js';
export { resolvePolicies, DEFAULT_POLICIES, type ResilienceConfig, type ResiliencePolicies } from './resilience.config.js';
export { ResiliencePolicy, type Attempt, type AttemptFailure, type ExecuteOptions, type ResiliencePolicyOptions, type RetryEvent } from './resilience.policy.js';
export { ResilienceError, ResilienceErrorCode } from './resilience.errors.js';
