import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { HealthChecks } from './health.checks.js';

describe('HealthChecks', () => {
  it('is ready with no checks', async () => {
    expect(await new HealthChecks(new FakeClock()).report()).toEqual({ ready: true, checks: {} });
  });

  it('is ready only while every check is up, and reports each one', async () => {
    const checks = new HealthChecks(new FakeClock());
    let natsUp = true;
    checks.add('nats', () => (natsUp ? { status: 'up' } : { status: 'down', message: 'NATS disconnected' }));
    checks.add('db', () => Promise.resolve({ status: 'up' }));
    expect(await checks.report()).toEqual({ ready: true, checks: { nats: { status: 'up' }, db: { status: 'up' } } });
    natsUp = false;
    expect(await checks.report()).toEqual({ ready: false, checks: { nats: { status: 'down', message: 'NATS disconnected' }, db: { status: 'up' } } });
  });

  it('counts a throwing check as down, with its message', async () => {
    const checks = new HealthChecks(new FakeClock());
    checks.add('db', () => {
      throw new Error('connection refused');
    });
    expect(await checks.report()).toEqual({ ready: false, checks: { db: { status: 'down', message: 'connection refused' } } });
  });

  it('counts a check that does not answer in time as down, so /health always answers', async () => {
    const clock = new FakeClock();
    const checks = new HealthChecks(clock, 2_000);
    checks.add('slow', () => new Promise(() => undefined));
    const report = checks.report();
    await clock.advance(2_000);
    expect(await report).toEqual({ ready: false, checks: { slow: { status: 'down', message: 'check did not answer within 2000 ms' } } });
    expect(clock.pending).toBe(0);
  });

  it('removes a check with the function add() returned', async () => {
    const checks = new HealthChecks(new FakeClock());
    const remove = checks.add('nats', () => ({ status: 'down' }));
    remove();
    expect(await checks.report()).toEqual({ ready: true, checks: {} });
  });
});
