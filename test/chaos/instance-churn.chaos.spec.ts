import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { instanceIdOf, LoadLoop, probe, type Outcome } from './chaos.client.js';

/** How long traffic runs after each kill before the next one. */
const BETWEEN_KILLS_MS = 1_500;
/** A gateway answer to a request for a dead service must come at least this fast (a refused connect is immediate). */
const ANSWER_BOUND_MS = 2_000;

// Instances die without warning (SIGKILL: no drain, no deregistration) while a client keeps calling.
describe('instance churn: users ×3 killed one by one under load, then all of them, then one comes back', () => {
  let platform: Platform;
  let ids: string[] = [];

  beforeAll(async () => {
    platform = await Platform.start({ services: { users: 3 } });
    ids = await Promise.all(platform.instances('users').map((c) => instanceIdOf(c.url)));
    await waitFor(async () => {
      const seen = new Set<string | null>();
      for (let i = 0; i < 9; i++) seen.add((await probe(platform.gatewayUrl, '/api/users')).instance);
      return ids.every((id) => seen.has(id));
    }, { timeoutMs: 30_000, message: 'gateway balances across the three users instances' });
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  });

  /*
   * Zero failures is the bound, not "a few": every request here is a bodiless GET, and the gateway (a) ejects
   * an instance whose connection is refused or reset and (b) sends such a request again to another instance
   * (up to 3 attempts). A kill can only hurt a request whose response had already started, and users answers
   * in one small write, so that window is microseconds wide; with one survivor always left there is always
   * somewhere to fail over to.
   */
  it('answers every GET with 200 while two of the three instances are SIGKILLed, and stops picking the dead ones', async () => {
    const load = new LoadLoop(platform.gatewayUrl, ['/api/users', '/api/users/1'], 2);
    const [first, second] = platform.instances('users');
    let secondDiedAt = Infinity;
    let outcomes: readonly Outcome[];
    try {
      await sleep(300);
      await first!.process.kill('SIGKILL');
      await sleep(BETWEEN_KILLS_MS);
      await second!.process.kill('SIGKILL');
      secondDiedAt = Date.now();
      await sleep(BETWEEN_KILLS_MS);
    } finally {
      outcomes = await load.stop();
    }

    expect(outcomes.filter((o) => o.status !== 200), 'requests that were not 200').toEqual([]);
    expect(outcomes.length, 'the client kept sending throughout').toBeGreaterThanOrEqual(20);
    // A second after the last kill, only the survivor answers.
    const late = outcomes.filter((o) => o.at > secondDiedAt + 1_000);
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(late.map((o) => o.instance))).toEqual(new Set([ids[2]]));
  });

  it('answers fast with 502 MESHWAY_UPSTREAM_UNAVAILABLE, or 503 MESHWAY_CIRCUIT_OPEN / MESHWAY_NO_INSTANCE once every instance is dead, never hanging, and settles on 503', async () => {
    await platform.instances('users')[2]!.process.kill('SIGKILL');
    const outcomes: Outcome[] = [];
    await waitFor(async () => {
      const outcome = await probe(platform.gatewayUrl, '/api/users', ANSWER_BOUND_MS * 2);
      outcomes.push(outcome);
      return outcome.status === 503;
    }, { timeoutMs: 15_000, intervalMs: 50, message: 'the registry marks every users instance critical and the gateway answers 503' });

    // The last instance's breaker may open on its refused connects before the registry marks it critical.
    const allowed = [
      { status: 502, code: 'MESHWAY_UPSTREAM_UNAVAILABLE' },
      { status: 503, code: 'MESHWAY_CIRCUIT_OPEN' },
      { status: 503, code: 'MESHWAY_NO_INSTANCE' },
    ];
    for (const outcome of outcomes) {
      expect(allowed, JSON.stringify(outcome)).toContainEqual({ status: outcome.status, code: outcome.code });
      expect(outcome.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
  });

  it('routes again (200) within 5 s of a new users instance being healthy', async () => {
    const added = await platform.startService('users');
    const id = await instanceIdOf(added.url);
    const since = Date.now();
    const outcome = await waitFor(async () => {
      const answer = await probe(platform.gatewayUrl, '/api/users', ANSWER_BOUND_MS);
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 5_000, intervalMs: 25, message: 'gateway routes /api/users to the new instance' });
    expect(Date.now() - since).toBeLessThan(5_000);
    expect(outcome.instance).toBe(id);
  });
});
