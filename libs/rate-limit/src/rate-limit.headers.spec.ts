import { describe, expect, it } from 'vitest';
import { counted, degraded, refusalCode, refusalError } from './rate-limit.decision.js';
import { RateLimitErrorCode } from './rate-limit.errors.js';
import { rateLimitHeaders } from './rate-limit.headers.js';

const limit = { points: 10, durationSec: 60 };

describe('decisions', () => {
  it('allow up to the budget, then refuse with the whole seconds left to wait', () => {
    expect(counted(limit, 10, 1_500)).toEqual({ allowed: true, limit: 10, remaining: 0, resetMs: 1_500, retryAfterSec: 0, degraded: false });
    expect(counted(limit, 11, 1_500)).toEqual({ allowed: false, limit: 10, remaining: 0, resetMs: 1_500, retryAfterSec: 2, degraded: false });
    expect(counted(limit, 11, 0).retryAfterSec).toBe(1);
  });

  it('name why they refused', () => {
    expect(refusalCode(counted(limit, 1, 10))).toBeUndefined();
    expect(refusalCode(counted(limit, 11, 10))).toBe(RateLimitErrorCode.RateLimited);
    expect(refusalCode(degraded(limit, 'closed'))).toBe(RateLimitErrorCode.Unavailable);
    expect(refusalError(counted(limit, 11, 59_001))).toMatchObject({ code: 'MESHWAY_RATE_LIMITED', message: 'Rate limit of 10 requests exceeded; retry in 60 s.' });
    expect(refusalError(degraded(limit, 'closed')).code).toBe('MESHWAY_RATE_LIMIT_UNAVAILABLE');
    expect(() => refusalError(degraded(limit, 'open'))).toThrow(TypeError);
  });
});

describe('rateLimitHeaders', () => {
  it('gives limit, remaining and reset in seconds when allowed', () => {
    expect(rateLimitHeaders(counted(limit, 3, 41_200))).toEqual(['RateLimit-Limit', '10', 'RateLimit-Remaining', '7', 'RateLimit-Reset', '42']);
  });

  it('adds Retry-After when refused', () => {
    expect(rateLimitHeaders(counted(limit, 12, 999))).toEqual(['RateLimit-Limit', '10', 'RateLimit-Remaining', '0', 'RateLimit-Reset', '1', 'Retry-After', '1']);
  });

  it('says nothing of the budget when degraded: no headers when let through, only Retry-After when refused', () => {
    expect(rateLimitHeaders(degraded(limit, 'open'))).toEqual([]);
    expect(rateLimitHeaders(degraded(limit, 'closed'))).toEqual(['Retry-After', '1']);
  });
});
