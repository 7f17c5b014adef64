import type { EventMessage } from '@meshway/events';
import { describe, expect, it } from 'vitest';
import { HandledEvents } from './handled-events.js';
import type { SampleEvent } from './events.streams.js';
import { SampleEventConsumer } from './sample-event.consumer.js';

const event = (seq: number, msgId?: string): EventMessage<SampleEvent> => ({
  data: { message: `hello ${String(seq)}` },
  subject: 'notifications.sample',
  stream: 'NOTIFICATIONS_SAMPLE_EVENTS',
  seq,
  msgId,
  deliveryCount: 1,
  headers: {},
});

describe('notifications sample event consumer', () => {
  it('records each event it handles once, keyed by msgId (or stream:seq), oldest first', () => {
    const handled = new HandledEvents();
    const consumer = new SampleEventConsumer(handled);
    consumer.handle(event(1, 'sample-1'));
    consumer.handle(event(2));
    expect(handled.list()).toEqual([
      { key: 'sample-1', subject: 'notifications.sample', seq: 1, count: 1 },
      { key: 'NOTIFICATIONS_SAMPLE_EVENTS:2', subject: 'notifications.sample', seq: 2, count: 1 },
    ]);
  });

  it('counts an event delivered again after it was handled, so a duplicate shows', () => {
    const handled = new HandledEvents();
    const consumer = new SampleEventConsumer(handled);
    consumer.handle(event(1, 'sample-1'));
    consumer.handle({ ...event(1, 'sample-1'), deliveryCount: 2 });
    expect(handled.list()).toEqual([expect.objectContaining({ key: 'sample-1', count: 2 })]);
  });

  it('keeps the most recent events only', () => {
    const handled = new HandledEvents(2);
    for (const seq of [1, 2, 3]) handled.record(event(seq));
    expect(handled.list().map((e) => e.seq)).toEqual([2, 3]);
  });
});
