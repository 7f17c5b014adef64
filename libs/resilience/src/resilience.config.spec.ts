import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES, resolvePolicies, type ResilienceConfig } from './resilience.config.js';

describe('resolvePolicies', () => {
  it('gives a route that says nothing the defaults: 3 attempts, a 20 %/10 s budget, a breaker, ejection, no bulkhead', () => {
    const policies = resolvePolicies();
    expect(policies.retries).toMatchObject({ maxAttempts: 3, retryOn: [502, 503, 504], idempotentOnly: true, retryable: false });
    expect(policies.budget).toEqual({ ratio: 0.2, windowMs: 10_000, minRetriesPerSecond: 10 });
    expect(policies.breaker).toMatchObject({ mode: 'consecutive', threshold: 5 });
    expect(policies.outlier).toMatchObject({ consecutive5xx: 5, consecutiveGatewayFailures: 3, consecutiveConnectFailures: 1 });
    expect(policies.bulkhead).toBeUndefined();
  });

  it('turns a piece off with false, and replaces a default piece whole with the given one', () => {
    const policies = resolvePolicies({
      retries: { maxAttempts: 2, retryOn: [429], backoff: { baseMs: 50, maxMs: 500 }, retryable: true },
      budget: false,
      breaker: { mode: 'ratio', ratio: 0.3, windowMs: 30_000, minThroughput: 50 },
      bulkhead: { maxConcurrent: 100, maxQueue: 10 },
      outlier: false,
    });
    expect(policies).toEqual({
      retries: { maxAttempts: 2, retryOn: [429, 502, 503, 504], retryOnFailures: ['connect', 'reset', 'timeout', 'status'], idempotentOnly: true, retryable: true, backoff: { baseMs: 50, maxMs: 500 }, perTryTimeoutMs: undefined },
      budget: undefined,
      breaker: { mode: 'ratio', ratio: 0.3, windowMs: 30_000, minThroughput: 50, openMs: 5_000, maxOpenMs: 30_000, halfOpenProbes: 1 },
      bulkhead: { maxConcurrent: 100, maxQueue: 10 },
      outlier: undefined,
    });
  });

  it('takes other defaults (a gateway-wide block), piece by piece', () => {
    const gatewayDefaults: ResilienceConfig = { ...DEFAULT_POLICIES, bulkhead: { maxConcurrent: 500 }, retries: { maxAttempts: 2 } };
    const policies = resolvePolicies({ retries: { retryable: true } }, gatewayDefaults);
    expect(policies.bulkhead).toEqual({ maxConcurrent: 500, maxQueue: 0 });
    expect(policies.retries?.maxAttempts).toBe(3); // the route's piece replaced the default's whole
    expect(policies.retries?.retryable).toBe(true);
  });

  it('is the same plain object whether it came from a JSON routes file or code', () => {
    const fromFile = JSON.parse('{"retries":{"maxAttempts":4,"backoff":{"baseMs":10}},"breaker":{"threshold":3}}') as ResilienceConfig;
    expect(resolvePolicies(fromFile).retries?.maxAttempts).toBe(4);
    expect(resolvePolicies(fromFile).breaker).toMatchObject({ threshold: 3 });
  });

  it.each([
    [{ retries: { maxAttempts: 0 } }, '', 'retries.maxAttempts: got 0'],
    [{ breaker: { mode: 'ratio', threshold: 3 } }, '', 'breaker.threshold: got 3; allowed: only with mode "consecutive"'],
    [{ bulkhead: { maxQueue: 5 } }, '', 'bulkhead.maxConcurrent: got nothing'],
    [{ retries: true }, '', 'retries: got true; allowed: an object of options, or false (off)'],
    [{ retry: {} }, '', 'resilience.retry: got object; allowed: no such option; known: retries, budget, breaker, bulkhead, outlier'],
    [{ outlier: { maxEjectionPercent: 300 } }, 'routes[2].resilience', 'routes[2].resilience.outlier.maxEjectionPercent: got 300'],
    ['fast', '', 'resilience: got "fast"; allowed: an object with retries, budget, breaker, bulkhead, outlier'],
  ])('refuses %j naming the option by its path', (config, path, message) => {
    expect(() => resolvePolicies(config as never, DEFAULT_POLICIES, path)).toThrow(
      expect.objectContaining({ code: 'MESHWAY_RESILIENCE_INVALID_OPTIONS', message: expect.stringContaining(`Invalid resilience option ${message}`) }) as Error,
    );
  });

  it('keeps DEFAULT_POLICIES frozen, so nobody changes every route\'s defaults by accident', () => {
    expect(Object.isFrozen(DEFAULT_POLICIES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICIES.retries)).toBe(true);
  });
});
