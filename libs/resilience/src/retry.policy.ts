import type { Random } from '@meshway/clock';
import { FAILURE_KINDS, IDEMPOTENT_METHODS, type FailureKind } from './failure-kind.js';
import { FullJitterBackoff, resolveBackoffOptions, type BackoffOptions, type ResolvedBackoffOptions } from './full-jitter.backoff.js';
import { arrayOption, booleanOption, integerOption, msOption, oneOfOption, optionsObject } from './option.checks.js';

export interface RetryOptions {
  /** Attempts in all, the first included (1 = never retry). Default 3. */
  readonly maxAttempts?: number;
  /** Statuses worth another attempt, added to 502, 503 and 504 (e.g. `[429]`). */
  readonly retryOn?: readonly number[];
  /** Failure kinds worth another attempt. Default all: connect, reset, timeout, status (a status only when in `retryOn`). */
  readonly retryOnFailures?: readonly FailureKind[];
  /** Repeat only idempotent methods (GET HEAD OPTIONS PUT DELETE) after the request may have reached the instance. Default true. */
  readonly idempotentOnly?: boolean;
  /** The route or call says its requests are safe to repeat whatever the method. Default false. */
  readonly retryable?: boolean;
  readonly backoff?: BackoffOptions;
  /** Each attempt's own time limit, ms (the deadline still bounds them all). Unset: only the deadline. The caller applies it. */
  readonly perTryTimeoutMs?: number;
}

export interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly retryOn: readonly number[];
  readonly retryOnFailures: readonly FailureKind[];
  readonly idempotentOnly: boolean;
  readonly retryable: boolean;
  readonly backoff: ResolvedBackoffOptions;
  readonly perTryTimeoutMs: number | undefined;
}

export const DEFAULT_RETRY_STATUSES: readonly number[] = Object.freeze([502, 503, 504]);

export const RETRY_DEFAULTS = Object.freeze({ maxAttempts: 3, retryOnFailures: FAILURE_KINDS, idempotentOnly: true, retryable: false });

const KEYS = ['maxAttempts', 'retryOn', 'retryOnFailures', 'idempotentOnly', 'retryable', 'backoff', 'perTryTimeoutMs'] as const;

export function resolveRetryOptions(given: RetryOptions = {}, path = 'retries'): ResolvedRetryOptions {
  const o = optionsObject(given, path, KEYS);
  const statuses = arrayOption(o.retryOn ?? [], `${path}.retryOn`, 'an array of statuses from 400 to 599', (v, at) => integerOption(v, at, 400, 599));
  const kinds = o.retryOnFailures ?? RETRY_DEFAULTS.retryOnFailures;
  return Object.freeze({
    maxAttempts: integerOption(o.maxAttempts ?? RETRY_DEFAULTS.maxAttempts, `${path}.maxAttempts`, 1, 10),
    retryOn: Object.freeze([...new Set([...DEFAULT_RETRY_STATUSES, ...statuses])].sort((a, b) => a - b)),
    retryOnFailures: arrayOption(kinds, `${path}.retryOnFailures`, `an array of ${FAILURE_KINDS.join(', ')}`, (v, at) => oneOfOption(v, at, FAILURE_KINDS)),
    idempotentOnly: booleanOption(o.idempotentOnly ?? RETRY_DEFAULTS.idempotentOnly, `${path}.idempotentOnly`),
    retryable: booleanOption(o.retryable ?? RETRY_DEFAULTS.retryable, `${path}.retryable`),
    backoff: resolveBackoffOptions(o.backoff as BackoffOptions | undefined, `${path}.backoff`),
    perTryTimeoutMs: o.perTryTimeoutMs === undefined ? undefined : msOption(o.perTryTimeoutMs, `${path}.perTryTimeoutMs`),
  });
}

/** What the caller knows when an attempt failed. */
export interface RetryQuestion {
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  /** The HTTP method; undefined for a message pattern (never idempotent by itself). */
  readonly method: string | undefined;
  readonly failure: FailureKind;
  /** The status answered, for `failure: 'status'`. */
  readonly status?: number;
  /** The upstream's `Retry-After`, ms (see `retryAfterMs`). */
  readonly retryAfterMs?: number;
  /** Ms left before the deadline (`Infinity` without one). */
  readonly remainingMs: number;
  /** True once any of the response went to the client: what is sent cannot be taken back. */
  readonly responseStarted: boolean;
  /** False when the request body streamed out and cannot be sent again. Default true. */
  readonly replayable?: boolean;
  /** This request may be repeated whatever its method (an idempotency key, a call marked so). Default false. */
  readonly retryable?: boolean;
}

const NO_RETRY_REASONS = [
  'response-started',
  'not-replayable',
  'attempts-exhausted',
  'failure-not-retried',
  'status-not-retried',
  'not-idempotent',
  'retry-after-beyond-deadline',
  'no-time-left',
] as const;

/** Why no retry: stable strings, fit for a metric label. */
export type NoRetryReason = (typeof NO_RETRY_REASONS)[number];

export type RetryDecision = { readonly retry: false; readonly reason: NoRetryReason } | { readonly retry: true; readonly delayMs: number };

/** One frozen refusal per reason, shared: saying no allocates nothing. */
const REFUSALS = Object.freeze(Object.fromEntries(NO_RETRY_REASONS.map((reason) => [reason, Object.freeze({ retry: false, reason })]))) as Readonly<
  Record<NoRetryReason, RetryDecision>
>;
const no = (reason: NoRetryReason): RetryDecision => REFUSALS[reason];

/**
 * Whether and when to try a failed attempt again — a pure synchronous function of the question, built once per route or
 * call options: the gateway asks it inside undici's callbacks, MeshClient inside `ResiliencePolicy`. Refusals are shared
 * frozen objects; only a "yes" allocates. Budgets are asked separately (`RetryBudget.tryWithdraw`, after a yes).
 *
 * Never once the response started; never beyond `maxAttempts`; only kinds in `retryOnFailures` and statuses in
 * `retryOn`; a `connect` failure for any method (the request never left), anything else only for idempotent methods
 * unless retryable; the wait is full-jitter backoff, or the upstream's `Retry-After` when longer, and must leave time
 * before the deadline.
 */
export class RetryPolicy {
  readonly options: ResolvedRetryOptions;
  private readonly backoff: FullJitterBackoff;
  private readonly statuses: ReadonlySet<number>;
  private readonly kinds: ReadonlySet<FailureKind>;

  constructor(options: RetryOptions, random: Random) {
    this.options = resolveRetryOptions(options);
    this.backoff = new FullJitterBackoff(this.options.backoff, random);
    this.statuses = new Set(this.options.retryOn);
    this.kinds = new Set(this.options.retryOnFailures);
  }

  /** Whether a `status` answer would ever be retried (a forwarder may then hold it back instead of streaming it). */
  retriesStatus(status: number): boolean {
    return this.options.maxAttempts > 1 && this.kinds.has('status') && this.statuses.has(status);
  }

  decide(q: RetryQuestion): RetryDecision {
    if (q.responseStarted) return no('response-started');
    if (q.replayable === false) return no('not-replayable');
    if (q.attempt >= this.options.maxAttempts) return no('attempts-exhausted');
    if (!this.kinds.has(q.failure)) return no('failure-not-retried');
    if (q.failure === 'status' && (q.status === undefined || !this.statuses.has(q.status))) return no('status-not-retried');
    if (q.failure !== 'connect' && !this.mayRepeat(q)) return no('not-idempotent');
    if (!(q.remainingMs > 0)) return no('no-time-left');
    const retryAfter = q.retryAfterMs;
    if (retryAfter !== undefined && retryAfter >= q.remainingMs) return no('retry-after-beyond-deadline');
    const delayMs = Math.max(this.backoff.delay(q.attempt), retryAfter ?? 0);
    if (delayMs >= q.remainingMs) return no('no-time-left');
    return { retry: true, delayMs };
  }

  private mayRepeat(q: RetryQuestion): boolean {
    return !this.options.idempotentOnly || this.options.retryable || q.retryable === true || (q.method !== undefined && IDEMPOTENT_METHODS.has(q.method));
  }
}
