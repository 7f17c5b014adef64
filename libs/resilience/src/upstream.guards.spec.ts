import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import type { BreakerState } from './circuit-breaker.js';
import type { EjectionEvent } from './outlier.detector.js';
import { resolvePolicies } from './resilience.config.js';
import { UpstreamGuards } from './upstream.guards.js';

const three = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('UpstreamGuards', () => {
  it('builds the pieces the policies turn on, and none of the others', () => {
    const all = new UpstreamGuards(resolvePolicies({ bulkhead: { maxConcurrent: 5 } }), new FakeClock());
    expect([all.budget, all.breakers, all.outlier, all.bulkhead].every((piece) => piece !== undefined)).toBe(true);
    const none = new UpstreamGuards(resolvePolicies({ budget: false, breaker: false, outlier: false }), new FakeClock());
    expect([none.budget, none.breakers, none.outlier, none.bulkhead]).toEqual([undefined, undefined, undefined, undefined]);
    expect(none.available(three)).toBe(three);
    expect(none.tryAcquire('a')).toBe(true);
  });

  it('offers the instances neither ejected nor behind an open breaker, the same array when that is all', () => {
    const guards = new UpstreamGuards(resolvePolicies({ breaker: { threshold: 2 } }), new FakeClock());
    guards.retain(three);
    expect(guards.available(three)).toBe(three);
    guards.report('a', 'connect'); // ejected at once
    guards.report('b', 'status', 503);
    guards.report('b', 'status', 503); // breaker opens after 2
    expect(guards.available(three).map((i) => i.id)).toEqual(['c']);
  });

  it('counts an answer below 500 as a success for breakers and ejection (the instance works)', () => {
    const guards = new UpstreamGuards(resolvePolicies({ breaker: { threshold: 2 } }), new FakeClock());
    guards.report('a', 'status', 503);
    guards.report('a', 'status', 429);
    guards.report('a', 'status', 503);
    expect(guards.breakers?.admits('a')).toBe(true);
  });

  it('tells its listeners about breaker changes and ejections, by instance', () => {
    const changes: [string, BreakerState][] = [];
    const ejections: EjectionEvent[] = [];
    const guards = new UpstreamGuards(resolvePolicies({ breaker: { threshold: 1 } }), new FakeClock(), {
      onBreakerChange: (id, _from, to) => changes.push([id, to]),
      onEjection: (event) => ejections.push(event),
    });
    guards.retain(three);
    guards.report('b', 'connect');
    expect(changes).toEqual([['b', 'open']]);
    expect(ejections).toMatchObject([{ type: 'ejected', instanceId: 'b' }]);
  });

  it('frees a half-open probe on release and forgets instances that left', async () => {
    const clock = new FakeClock();
    const guards = new UpstreamGuards(resolvePolicies({ breaker: { threshold: 1, openMs: 100 }, outlier: false }), clock);
    guards.report('a', 'timeout');
    await clock.advance(100);
    expect(guards.tryAcquire('a')).toBe(true);
    expect(guards.tryAcquire('a')).toBe(false);
    guards.release('a');
    expect(guards.tryAcquire('a')).toBe(true);
    guards.retain([{ id: 'b' }]);
    expect(guards.breakers?.states().size).toBe(0);
  });
});
