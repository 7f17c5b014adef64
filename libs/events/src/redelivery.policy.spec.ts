import { describe, expect, it } from 'vitest';
import { afterFailure, deliveriesExhausted } from './redelivery.policy.js';

const policy = { maxDeliver: 4, backoffMs: [100, 1_000] };

describe('redelivery policy', () => {
  it.each([
    [1, { deadLetter: false, delayMs: 100 }],
    [2, { deadLetter: false, delayMs: 1_000 }],
    [3, { deadLetter: false, delayMs: 1_000 }],
    [4, { deadLetter: true }],
    [9, { deadLetter: true }],
  ])('after a failure on delivery %i → %j', (count, next) => {
    expect(afterFailure(policy, count)).toEqual(next);
  });

  it('never naks with 0 ms (nats-server 2.9 mishandles immediate naks)', () => {
    expect(afterFailure({ maxDeliver: 3, backoffMs: [0] }, 1)).toEqual({ deadLetter: false, delayMs: 1 });
  });

  it('counts deliveries as used up only past maxDeliver', () => {
    expect([4, 5].map((count) => deliveriesExhausted(policy, count))).toEqual([false, true]);
  });
});
