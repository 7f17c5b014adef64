import type { Clock, Random } from '@meshway/clock';
import { msOption, optionsObject } from './option.checks.js';
import { invalidOption } from './resilience.errors.js';

export interface BackoffOptions {
  /** The first retry's ceiling, ms; it doubles with each retry. Default 25. */
  readonly baseMs?: number;
  /** The largest ceiling, ms. Default 1,000. */
  readonly maxMs?: number;
}

export type ResolvedBackoffOptions = Required<BackoffOptions>;

export const BACKOFF_DEFAULTS: ResolvedBackoffOptions = Object.freeze({ baseMs: 25, maxMs: 1_000 });

export function resolveBackoffOptions(given: BackoffOptions = {}, path = 'retries.backoff'): ResolvedBackoffOptions {
  const o = optionsObject(given, path, ['baseMs', 'maxMs']);
  const baseMs = msOption(o.baseMs ?? BACKOFF_DEFAULTS.baseMs, `${path}.baseMs`, 1, 600_000);
  const maxMs = msOption(o.maxMs ?? Math.max(BACKOFF_DEFAULTS.maxMs, baseMs), `${path}.maxMs`, 1, 3_600_000);
  if (maxMs < baseMs) throw invalidOption(`${path}.maxMs`, maxMs, `at least baseMs (${baseMs})`);
  return Object.freeze({ baseMs, maxMs });
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): after the n-th failed
 * attempt, wait a uniformly random whole number of ms in [0, min(maxMs, baseMs·2^(n−1))). Of the jitter schemes it
 * spreads many callers' retries best, and it is one multiplication and one draw — no state, no allocation.
 */
export class FullJitterBackoff {
  private readonly options: ResolvedBackoffOptions;

  constructor(
    options: BackoffOptions,
    private readonly random: Random,
  ) {
    this.options = resolveBackoffOptions(options);
  }

  /** The ceiling after the `attempt`-th failed attempt (1-based): the delay is drawn below it. */
  ceiling(attempt: number): number {
    return Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.max(0, attempt - 1));
  }

  /** The wait before the attempt that follows the `attempt`-th failed one. */
  delay(attempt: number): number {
    return Math.floor(this.random() * this.ceiling(attempt));
  }
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** The three forms of HTTP-date a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC_850 = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);
const SECONDS = /^\d{1,9}$/;

/**
 * A `Retry-After` value as ms to wait from now: delay-seconds, or an HTTP-date read on `clock.now()` (a date in the past
 * is 0). Undefined when absent or not one of those forms — an unreadable value is ignored, never guessed at.
 */
export function retryAfterMs(value: string | readonly string[] | undefined, clock: Clock): number | undefined {
  const text = typeof value === 'string' ? value.trim() : value?.[0]?.trim();
  if (text === undefined) return undefined;
  if (SECONDS.test(text)) return Number(text) * 1000;
  let at = Number.NaN;
  if (IMF_FIXDATE.test(text) || RFC_850.test(text)) at = Date.parse(text);
  // asctime carries no zone; it is GMT by definition, not local time.
  else if (ASCTIME.test(text)) at = Date.parse(`${text} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - clock.now());
}
