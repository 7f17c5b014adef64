import { showValue } from '@meshway/errors';
import { z } from 'zod';
import { RateLimitError, RateLimitErrorCode } from './rate-limit.errors.js';

/** What a limit counts by: the authenticated consumer (IP when anonymous), the client IP, or the whole route. */
export const RATE_LIMIT_BY = ['consumer', 'ip', 'route'] as const;
export type RateLimitBy = (typeof RATE_LIMIT_BY)[number];

/**
 * A limit: at most `points` requests per `durationSec` window, counted per `by`. The same shape is the gateway's
 * routes-file contract (`rateLimit: { points: 100, durationSec: 1, by: consumer }`).
 */
export interface RateLimitRule {
  readonly points: number;
  readonly durationSec: number;
  readonly by: RateLimitBy;
}

/** The part of a rule a store needs: the budget and the window. */
export type WindowLimit = Pick<RateLimitRule, 'points' | 'durationSec'>;

export const MAX_POINTS = 1_000_000_000;
/** A day: Redis windows are whole seconds, and a longer window is a quota, not a rate limit. */
export const MAX_DURATION_SEC = 86_400;

const wholeNumber = (what: string, max: number) =>
  z.custom<number>((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max, {
    error: (issue) => `expected ${what} from 1 to ${max}, got ${showValue(issue.input)}`,
  });

/**
 * The zod (v4) schema of a {@link RateLimitRule}; unknown fields are rejected (a typo such as `duration` must not pass).
 * Its messages name what was expected and what was given, and each issue's path names the field, so a schema that
 * embeds it (`rateLimit: rateLimitSchema.optional()`) reports `routes[2].rateLimit.points: expected …, got 0`.
 */
export const rateLimitSchema = z.strictObject(
  {
    points: wholeNumber('a whole number of requests', MAX_POINTS),
    durationSec: wholeNumber('a whole number of seconds', MAX_DURATION_SEC),
    by: z.enum(RATE_LIMIT_BY, { error: (issue) => `expected one of ${RATE_LIMIT_BY.map((b) => `"${b}"`).join(', ')}, got ${showValue(issue.input)}` }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; known: points, durationSec, by`
        : `expected an object { points, durationSec, by }, got ${showValue(issue.input)}`,
  },
);

/**
 * Validates a limit from config or code; throws MESHWAY_RATE_LIMIT_INVALID_LIMIT naming each bad field under `where`
 * (`Invalid rateLimit.points: expected a whole number of requests from 1 to 1000000000, got 0`).
 */
export function parseRateLimitRule(value: unknown, where = 'rateLimit'): RateLimitRule {
  const result = rateLimitSchema.safeParse(value);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => `Invalid ${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw new RateLimitError(RateLimitErrorCode.InvalidLimit, problems.join('; '));
}
