import { describe, expect, it } from 'vitest';
import { EVENTS_DEFAULTS, resolveEventsOptions } from './events.options.js';
import { resolveStreamSpec } from './stream.options.js';
import { resolveSubscribeOptions } from './subscribe.options.js';

const handler = (): void => undefined;

describe('resolveEventsOptions', () => {
  it('fills the defaults; without nats, events will be off', () => {
    expect(resolveEventsOptions({})).toMatchObject({ nats: undefined, jetStream: 'required', timeoutMs: 5_000, disabledReason: 'no NATS configured' });
  });

  it.each([
    [{ nats: { servers: [] } }, 'nats: got object'],
    [{ nats: 'nats://x' as unknown as { servers: string[] } }, 'nats: got "nats://x"'],
    [{ jetStream: 'maybe' as 'required' }, 'jetStream: got "maybe"; allowed: "required" or "optional"'],
    [{ timeoutMs: 0 }, 'timeoutMs: got 0; allowed: a positive integer'],
  ])('refuses %j naming the option', (options, message) => {
    expect(() => resolveEventsOptions(options)).toThrow(
      expect.objectContaining({ code: 'MESHWAY_EVENTS_INVALID_OPTIONS', message: expect.stringContaining(message) }),
    );
  });
});

describe('resolveStreamSpec', () => {
  it('keeps only the limits given for a live stream, and creates with the defaults', () => {
    expect(resolveStreamSpec({ name: 'ORDERS', subjects: ['orders.>', 'orders.>'] })).toEqual({
      name: 'ORDERS',
      subjects: ['orders.>'],
      storage: 'file',
      replicas: 1,
      given: {},
      create: { maxAgeMs: EVENTS_DEFAULTS.stream.maxAgeMs, duplicateWindowMs: 120_000 },
    });
  });

  it('shrinks the default duplicate window to a shorter maxAge, as the server does', () => {
    expect(resolveStreamSpec({ name: 'S', subjects: ['s'], maxAgeMs: 30_000 }).create).toEqual({ maxAgeMs: 30_000, duplicateWindowMs: 30_000 });
  });
});

describe('resolveSubscribeOptions', () => {
  it('fills the defaults: 5 deliveries, 30 s ackWait, backoff 1/5/15/30 s, a dead-letter subject per durable', () => {
    expect(resolveSubscribeOptions({ stream: 'ORDERS', durable: 'notifications', handler })).toMatchObject({
      subject: undefined,
      maxDeliver: 5,
      ackWaitMs: 30_000,
      backoffMs: [1_000, 5_000, 15_000, 30_000],
      deadLetterSubject: 'meshway.dead-letter.ORDERS.notifications',
      deliverPolicy: 'all',
      batch: 10,
      seenCapacity: 10_000,
    });
  });

  it.each([
    [{ durable: 'has.dot' }, 'durable: got "has.dot"'],
    [{ subject: 'orders..x' }, 'subject: got "orders..x"'],
    [{ maxDeliver: 0 }, 'maxDeliver: got 0'],
    [{ backoffMs: [] }, 'backoffMs: got an array'],
    [{ backoffMs: [-1] }, 'backoffMs: got an array'],
    [{ deadLetterSubject: 'dead.*' }, 'deadLetterSubject: got "dead.*"'],
    [{ subject: 'orders.>', deadLetterSubject: 'orders.dead' }, 'a subject outside the filter orders.>'],
    [{ deliverPolicy: 'last' as 'all' }, 'deliverPolicy: got "last"'],
    [{ handler: undefined as unknown as typeof handler }, 'handler: got nothing'],
  ])('refuses %j naming the option', (override, message) => {
    expect(() => resolveSubscribeOptions({ stream: 'ORDERS', durable: 'd', handler, ...override })).toThrow(
      expect.objectContaining({ code: 'MESHWAY_EVENTS_INVALID_OPTIONS', message: expect.stringContaining(message) }),
    );
  });
});
