import type { Random } from '@meshway/clock';
import { BACKOFF_DEFAULTS, fullJitter, type BackoffOptions } from './backoff.js';
import { IDEMPOTENT_METHODS, type FailureKind } from './outcome.js';

export interface RetryOptions {
  /** Attempts in all, the first included (1 = no retry). Default 3. */
  readonly attempts?: number;
  /** Statuses worth another attempt. Default 502, 503, 504. */
  readonly retryOn?: readonly number[];
  /** Retry any method (the route or call says its requests are safe to repeat). Default false: idempotent methods only. */
  readonly retryable?: boolean;
  readonly backoff?: BackoffOptions;
}

export const RETRY_DEFAULTS = { attempts: 3, retryOn: [502, 503, 504], retryable: false, backoff: BACKOFF_DEFAULTS } as const;

/** What a caller knows when an attempt failed, before anything reached its own client. */
export interface RetryQuestion {
  /** Attempts made so far (≥ 1). */
  readonly attempts: number;
  readonly method: string;
  readonly kind: FailureKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** Time left until the deadline, ms. */
  readonly remainingMs: number;
  /** False once a body streamed out and cannot be sent again. */
  readonly resendable: boolean;
}

export type RetryDecision = { readonly retry: false; readonly reason: string } | { readonly retry: true; readonly delayMs: number };

const no = (reason: string): RetryDecision => ({ retry: false, reason });

/**
 * Whether and when to try again. Synchronous and allocation-light (the gateway asks it inside undici's callbacks):
 * a `connect` failure is safe for any method (the request never left); `reset`, `timeout` and `status` (one of
 * `retryOn`) only for idempotent methods or `retryable` routes; never beyond `attempts`, never when the body cannot be
 * sent again, and never when the wait (full-jitter backoff, or the upstream's `Retry-After` when longer) would not leave
 * time for the attempt before the deadline. Budgets are asked separately (`RetryBudget`).
 */
export class RetryPolicy {
  readonly attempts: number;
  private readonly retryOn: ReadonlySet<number>;
  private readonly backoff: Required<BackoffOptions>;

  constructor(
    private readonly options: RetryOptions,
    private readonly random: Random,
  ) {
    this.attempts = options.attempts ?? RETRY_DEFAULTS.attempts;
    this.retryOn = new Set(options.retryOn ?? RETRY_DEFAULTS.retryOn);
    this.backoff = { ...BACKOFF_DEFAULTS, ...options.backoff };
  }

  /** Whether statuses like this one are retried at all (lets a forwarder keep a 5xx it will pass through). */
  retriesStatus(status: number): boolean {
    return this.attempts > 1 && this.retryOn.has(status);
  }

  decide(q: RetryQuestion): RetryDecision {
    if (q.attempts >= this.attempts) return no(`${q.attempts} of ${this.attempts} attempts made`);
    if (!q.resendable) return no('the request body cannot be sent again');
    if (q.kind === 'status' && !this.retryOn.has(q.status ?? 0)) return no(`status ${q.status ?? '?'} is not retried`);
    if (q.kind !== 'connect' && this.options.retryable !== true && !IDEMPOTENT_METHODS.has(q.method)) return no(`${q.method} is not idempotent and the route is not retryable`);
    const delayMs = Math.max(fullJitter(q.attempts, this.backoff, this.random), q.retryAfterMs ?? 0);
    if (delayMs >= q.remainingMs) return no(q.retryAfterMs !== undefined && q.retryAfterMs >= q.remainingMs ? 'Retry-After is beyond the deadline' : 'no time left before the deadline');
    return { retry: true, delayMs };
  }
}
