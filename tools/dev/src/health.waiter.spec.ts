import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { DevErrorCode } from './dev.errors.js';
import { waitForHealth, type HealthProbe } from './health.waiter.js';

/** A probe that answers from a script: a status, or an error code to throw; the last entry repeats. */
function scripted(answers: (number | string)[]): HealthProbe & { calls: number } {
  const probe = Object.assign(
    (): Promise<number> => {
      const answer = answers[Math.min(probe.calls, answers.length - 1)];
      probe.calls += 1;
      if (typeof answer === 'number') return Promise.resolve(answer);
      return Promise.reject(Object.assign(new Error(String(answer)), { code: answer }));
    },
    { calls: 0 },
  );
  return probe;
}

const options = (clock: FakeClock, probe: HealthProbe) => ({ clock, probe, timeoutMs: 1_000, intervalMs: 100, attemptTimeoutMs: 500 });

describe('waitForHealth', () => {
  it('polls every interval until the URL answers 2xx, and resolves the time waited', async () => {
    const clock = new FakeClock();
    const probe = scripted(['ECONNREFUSED', 'ECONNREFUSED', 503, 200]);
    const waited = waitForHealth('http://127.0.0.1:1/health', options(clock, probe));
    await clock.advance(300);
    await expect(waited).resolves.toBe(300);
    expect(probe.calls).toBe(4);
  });

  it('accepts any 2xx status', async () => {
    const clock = new FakeClock();
    await expect(waitForHealth('http://x/health', options(clock, scripted([204])))).resolves.toBe(0);
  });

  it('gives up after the timeout with MESHWAY_DEV_HEALTH_TIMEOUT naming the component, URL and the last answer', async () => {
    const clock = new FakeClock();
    const probe = scripted(['ECONNREFUSED', 503]);
    const waited = waitForHealth('http://127.0.0.1:1/health', { ...options(clock, probe), component: 'users#2' });
    const caught = waited.catch((error: unknown) => error);
    await clock.advance(1_000);
    expect(await caught).toMatchObject({
      code: DevErrorCode.HealthTimeout,
      message: 'users#2: http://127.0.0.1:1/health did not answer 2xx within 1000 ms (last: HTTP 503).',
      details: { component: 'users#2' },
    });
    expect(probe.calls).toBe(11); // at 0, 100, …, 1000 ms: the last attempt lands on the deadline
  });

  it('abandons an attempt that hangs after attemptTimeoutMs and tries again', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const probe: HealthProbe = (_url, signal) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(200);
      return new Promise((_resolve, reject) => { signal.addEventListener('abort', () => { reject(signal.reason as Error); }); });
    };
    const waited = waitForHealth('http://x/health', options(clock, probe));
    await clock.advance(600);
    await expect(waited).resolves.toBe(600);
  });

  it('stops waiting at once when its signal aborts, with the signal reason', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const waited = waitForHealth('http://x/health', { ...options(clock, scripted(['ECONNREFUSED'])), signal: controller.signal });
    const caught = waited.catch((error: unknown) => error);
    await clock.advance(200);
    controller.abort(new Error('users exited'));
    expect(await caught).toEqual(new Error('users exited'));
    expect(clock.pending).toBe(0);
  });
});
