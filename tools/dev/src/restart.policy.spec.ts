import { describe, expect, it } from 'vitest';
import { RESTART_DEFAULTS } from './dev.options.js';
import { describeRestartPolicy, RestartPolicy } from './restart.policy.js';

describe('RestartPolicy', () => {
  it('doubles the wait per consecutive exit up to the cap, and gives up on the 5th exit within the window', () => {
    const policy = new RestartPolicy(RESTART_DEFAULTS, 0);
    expect([1, 2, 3, 4].map((s) => policy.crashed(s * 1_000))).toEqual([
      { restart: true, attempt: 1, delayMs: 500 },
      { restart: true, attempt: 2, delayMs: 1_000 },
      { restart: true, attempt: 3, delayMs: 2_000 },
      { restart: true, attempt: 4, delayMs: 4_000 },
    ]);
    expect(policy.crashed(5_000)).toEqual({ restart: false, crashes: 5 });
  });

  it('starts over at the first delay once the instance stayed healthy resetAfterMs', () => {
    const policy = new RestartPolicy(RESTART_DEFAULTS, 0);
    policy.crashed(1_000);
    policy.healthy(2_000);
    expect(policy.crashed(31_999)).toMatchObject({ attempt: 2, delayMs: 1_000 });
    policy.healthy(33_000);
    expect(policy.crashed(63_000)).toMatchObject({ attempt: 1, delayMs: 500 });
  });
});

describe('describeRestartPolicy', () => {
  it('says the policy in one banner line', () => {
    expect(describeRestartPolicy(RESTART_DEFAULTS)).toBe(
      'Restarts: a component that exits is restarted after 0.5 s, doubling to 10 s (back to 0.5 s once up 30 s); 5 exits within 60 s stop everything',
    );
  });
});
