import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RateLimitErrorCode } from './rate-limit.errors.js';
import { parseRateLimitRule, rateLimitSchema } from './rate-limit.rule.js';

describe('rateLimitSchema', () => {
  it('accepts the routes-file contract as written', () => {
    expect(rateLimitSchema.parse({ points: 100, durationSec: 1, by: 'consumer' })).toEqual({ points: 100, durationSec: 1, by: 'consumer' });
  });

  it.each([
    [{ points: 0, durationSec: 1, by: 'ip' }, ['points'], 'expected a whole number of requests from 1 to 1000000000, got 0'],
    [{ points: 1.5, durationSec: 1, by: 'ip' }, ['points'], 'got 1.5'],
    [{ points: '100', durationSec: 1, by: 'ip' }, ['points'], 'got "100"'],
    [{ points: 10, durationSec: 86_401, by: 'ip' }, ['durationSec'], 'expected a whole number of seconds from 1 to 86400, got 86401'],
    [{ points: 10, by: 'ip' }, ['durationSec'], 'got nothing'],
    [{ points: 10, durationSec: 1, by: 'user' }, ['by'], 'expected one of "consumer", "ip", "route", got "user"'],
    [{ points: 10, duration: 1, durationSec: 1, by: 'ip' }, [], 'unknown field "duration"; known: points, durationSec, by'],
    ['100/s', [], 'expected an object { points, durationSec, by }, got "100/s"'],
  ])('names the field of %j', (input, path, message) => {
    const result = rateLimitSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('keeps its messages and paths when embedded in a larger schema', () => {
    const routes = z.object({ routes: z.array(z.object({ path: z.string(), rateLimit: rateLimitSchema.optional() })) });
    const result = routes.safeParse({ routes: [{ path: '/a' }, { path: '/b', rateLimit: { points: -1, durationSec: 1, by: 'ip' } }] });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['routes.1.rateLimit.points', 'expected a whole number of requests from 1 to 1000000000, got -1']]);
  });
});

describe('parseRateLimitRule', () => {
  it('returns a frozen rule', () => {
    const rule = parseRateLimitRule({ points: 5, durationSec: 60, by: 'route' });
    expect(rule).toEqual({ points: 5, durationSec: 60, by: 'route' });
    expect(Object.isFrozen(rule)).toBe(true);
  });

  it('throws MESHWAY_RATE_LIMIT_INVALID_LIMIT naming every bad field under its place', () => {
    expect(() => parseRateLimitRule({ points: 0, durationSec: 0, by: 'ip' }, '@RateLimit')).toThrow(
      expect.objectContaining({
        code: RateLimitErrorCode.InvalidLimit,
        message:
          'Invalid @RateLimit.points: expected a whole number of requests from 1 to 1000000000, got 0; ' +
          'Invalid @RateLimit.durationSec: expected a whole number of seconds from 1 to 86400, got 0',
      }),
    );
  });
});
