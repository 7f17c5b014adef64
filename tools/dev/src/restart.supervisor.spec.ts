import type { ChildExit } from '@meshway/process';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import type { RestartPolicyOptions } from './restart.policy.js';
import { RestartSupervisor, type Restartable } from './restart.supervisor.js';

const POLICY: RestartPolicyOptions = { initialDelayMs: 500, maxDelayMs: 10_000, resetAfterMs: 30_000, maxCrashes: 5, crashWindowMs: 60_000 };
const HEALTHY_AFTER_MS = 100;

/** A stand-in instance: it exits when the test says so. */
class FakeInstance implements Restartable {
  hasExited = false;
  readonly exited: Promise<ChildExit>;
  private end: (exit: ChildExit) => void = () => undefined;

  constructor(
    readonly name: string,
    readonly generation: number,
  ) {
    this.exited = new Promise((resolve) => (this.end = resolve));
  }

  exit(code: number | null = 1, signal: NodeJS.Signals | null = null): void {
    if (this.hasExited) return;
    this.hasExited = true;
    this.end({ name: this.name, code, signal, lastLines: [`${this.name} generation ${this.generation} ends`] });
  }
}

/** A restart supervisor on a FakeClock whose instances turn healthy HEALTHY_AFTER_MS after a start (unless `neverHealthy`). */
function platform(policy: RestartPolicyOptions = POLICY, neverHealthy = false) {
  const clock = new FakeClock(0);
  const log: string[] = [];
  const started: FakeInstance[] = [];
  const killed: string[] = [];
  const supervisor = new RestartSupervisor<FakeInstance>({
    clock,
    policy,
    respawn: (dead) => {
      const next = new FakeInstance(dead.name, dead.generation + 1);
      started.push(next);
      return next;
    },
    waitHealthy: async (child, signal) => {
      const exitedFirst = child.exited.then(() => Promise.reject(new Error(`${child.name} exited before it was healthy.`)));
      await Promise.race([clock.sleep(neverHealthy ? 30_000 : HEALTHY_AFTER_MS, signal), exitedFirst]);
      if (neverHealthy) throw new Error(`${child.name} did not answer 2xx within 30000 ms.`);
      return HEALTHY_AFTER_MS;
    },
    kill: (child) => {
      killed.push(`${child.name}@${child.generation}`);
      child.exit(null, 'SIGTERM');
      return Promise.resolve();
    },
    log: (line) => log.push(line),
  });
  const keep = (name: string): FakeInstance => {
    const instance = new FakeInstance(name, 1);
    supervisor.keep(instance);
    return instance;
  };
  const current = (name: string): FakeInstance => {
    const instance = supervisor.instance(name);
    if (!instance) throw new Error(`no instance ${name}`);
    return instance;
  };
  /** Crashes the current instance, then lets time run until the next one is healthy again. */
  const crashAndHeal = async (name: string, delayMs: number): Promise<void> => {
    current(name).exit();
    await clock.advance(delayMs + HEALTHY_AFTER_MS);
  };
  let gaveUp: ChildExit | undefined;
  void supervisor.gaveUp.then((exit) => (gaveUp = exit));
  return { clock, log, started, killed, supervisor, keep, current, crashAndHeal, gaveUp: () => gaveUp };
}

const delaysIn = (log: readonly string[]): number[] => log.flatMap((line) => /restarting in (\d+) ms/.exec(line)?.[1] ?? []).map(Number);

describe('RestartSupervisor', () => {
  it('restarts an instance that exits after 0.5 s, doubling each time up to 10 s, and says when it is healthy again', async () => {
    const p = platform({ ...POLICY, maxCrashes: 10, crashWindowMs: 120_000 });
    p.keep('users#2');
    for (const delay of [500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]) await p.crashAndHeal('users#2', delay);
    expect(delaysIn(p.log)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(p.log.slice(0, 2)).toEqual(['users#2 exited with code 1: restarting in 500 ms (attempt 1)', 'users#2 restarted (attempt 1) and healthy in 100 ms']);
    expect(p.log).toContain('users#2 restarted (attempt 7) and healthy in 100 ms');
    expect(p.current('users#2').generation).toBe(8);
    expect(p.gaveUp()).toBeUndefined();
  });

  it('waits the backoff before starting it again, and ends what was left of the dead one first', async () => {
    const p = platform();
    const first = p.keep('users');
    first.exit(null, 'SIGKILL');
    await p.clock.advance(499);
    expect(p.started).toHaveLength(0);
    expect(p.killed).toEqual(['users@1']);
    await p.clock.advance(1);
    expect(p.started.map((i) => i.generation)).toEqual([2]);
    expect(p.log[0]).toBe('users was killed by SIGKILL: restarting in 500 ms (attempt 1)');
  });

  it('gives up on the 5th exit within 60 s, resolving gaveUp with that exit and starting nothing more', async () => {
    const p = platform();
    p.keep('orders');
    for (const delay of [500, 1_000, 2_000, 4_000]) await p.crashAndHeal('orders', delay);
    p.current('orders').exit(3);
    await p.clock.advance(0);
    expect(p.gaveUp()).toEqual({ name: 'orders', code: 3, signal: null, lastLines: ['orders generation 5 ends'] });
    expect(p.log.at(-1)).toBe('orders exited with code 3: 5 exits within 60 s, giving up');
    expect(p.started).toHaveLength(4);
  });

  it('forgets exits older than the window: one exit every 20 s never adds up to 5', async () => {
    const p = platform({ ...POLICY, resetAfterMs: 1_000_000 });
    p.keep('users');
    for (let i = 0; i < 8; i++) {
      p.current('users').exit();
      await p.clock.advance(20_000);
    }
    expect(p.gaveUp()).toBeUndefined();
    expect(p.started).toHaveLength(8);
  });

  it('starts over at 0.5 s once the instance stayed healthy for 30 s', async () => {
    const p = platform();
    p.keep('users');
    await p.crashAndHeal('users', 500);
    await p.crashAndHeal('users', 1_000);
    await p.clock.advance(29_000);
    await p.crashAndHeal('users', 2_000); // up 29.0 s: not yet
    await p.clock.advance(30_000);
    await p.crashAndHeal('users', 500); // up 30 s: reset
    expect(delaysIn(p.log)).toEqual([500, 1_000, 2_000, 500]);
    expect(p.log.at(-1)).toBe('users restarted (attempt 1) and healthy in 100 ms');
  });

  it('leaves the other instances alone', async () => {
    const p = platform();
    const registry = p.keep('registry');
    const gateway = p.keep('gateway');
    p.keep('users#1');
    await p.crashAndHeal('users#1', 500);
    expect(p.killed).toEqual(['users#1@1']);
    expect(p.started.map((i) => i.name)).toEqual(['users#1']);
    expect([registry.hasExited, gateway.hasExited]).toEqual([false, false]);
    expect(p.current('registry')).toBe(registry);
  });

  it('ends a restarted instance that never turns healthy, and counts that as its next exit', async () => {
    const p = platform(POLICY, true);
    p.keep('users');
    p.current('users').exit();
    await p.clock.advance(500 + 30_000);
    expect(p.log).toContain('users: users did not answer 2xx within 30000 ms. Stopping it.');
    expect(p.killed).toEqual(['users@1', 'users@2', 'users@2']); // killed at the timeout, its group cleared before the next start
    expect(p.log.at(-1)).toBe('users was killed by SIGTERM: restarting in 1000 ms (attempt 2)');
  });

  it('restarts nothing once stopped: not during a backoff, and not for the exits the stop causes', async () => {
    const p = platform();
    const users = p.keep('users');
    const gateway = p.keep('gateway');
    users.exit();
    await p.clock.advance(200);
    p.supervisor.stop();
    gateway.exit(null, 'SIGTERM');
    await p.clock.runAll();
    expect(p.started).toHaveLength(0);
    expect(p.clock.pending).toBe(0);
    expect(p.log).toEqual(['users exited with code 1: restarting in 500 ms (attempt 1)']);
    expect(p.gaveUp()).toBeUndefined();
  });
});
