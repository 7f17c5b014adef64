import { jetstreamManager, type ConsumerInfo } from '@nats-io/jetstream';
import { waitFor } from '@meshway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvents } from './create-events.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.publisher.js';
import type { EventMessage, Events, EventSubscription } from './events.js';
import { NATS_URL, RecordingLogger, StreamsUnderTest, uniqueId } from './nats.fixture.js';
import type { SubscribeOptions } from './subscribe.options.js';

// Against the machine's nats-server with JetStream. Every test has its own stream and subjects; ackWait and backoff
// are short, and waits are bounded polls (waitFor), never fixed sleeps.

let streams: StreamsUnderTest;
let events: Events;
let logger: RecordingLogger;
let stream: string;
let prefix: string;
let subject: string;
const subscriptions: EventSubscription[] = [];

beforeAll(async () => {
  streams = await StreamsUnderTest.connect();
});

afterAll(async () => {
  await streams.cleanUp();
});

beforeEach(async () => {
  logger = new RecordingLogger();
  events = await createEvents({ nats: { servers: [NATS_URL] }, logger });
  stream = streams.name('SUB');
  prefix = `evt-${uniqueId()}`;
  subject = `${prefix}.orders.created`;
  await events.ensureStream({ name: stream, subjects: [`${prefix}.orders.>`] });
});

afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((s) => s.close()));
  await events.close();
});

async function subscribe<T>(on: Events, options: SubscribeOptions<T>) {
  const subscription = await on.subscribe(options);
  subscriptions.push(subscription);
  return subscription;
}

async function consumerInfo(durable: string): Promise<ConsumerInfo> {
  const jsm = await jetstreamManager(streams.nc);
  return jsm.consumers.info(stream, durable);
}

/** The consumer has acked (or termed) everything in the stream: nothing pending, nothing awaiting an ack. */
async function settled(durable: string): Promise<ConsumerInfo> {
  return waitFor(
    async () => {
      const info = await consumerInfo(durable);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? info : undefined;
    },
    { timeoutMs: 15_000, message: `consumer ${durable} settled` },
  );
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('a durable subscriber', () => {
  it('that was down while 100 events were published handles every one of them exactly once when it starts', async () => {
    const durable = `notifications-${uniqueId()}`;
    const handled: number[] = [];
    const handler = (event: EventMessage<{ n: number }>): void => {
      handled.push(event.data.n);
    };
    const first = await subscribe(events, { stream, durable, subject, handler });
    await events.publish(subject, { n: 0 }, { msgId: `${prefix}-0` });
    await waitFor(() => handled.length === 1);
    await first.close();

    for (let n = 1; n <= 100; n++) await events.publish(subject, { n }, { msgId: `${prefix}-${n}` });
    // A publisher retrying after a timeout sends the same msgId again: the stream keeps one.
    for (let n = 1; n <= 10; n++) await events.publish(subject, { n }, { msgId: `${prefix}-${n}` });
    expect((await consumerInfo(durable)).num_pending).toBe(100);

    await subscribe(events, { stream, durable, subject, handler });
    await waitFor(() => handled.length >= 101, { timeoutMs: 15_000 });
    await settled(durable);
    expect(handled).toEqual(Array.from({ length: 101 }, (_, n) => n));
  });

  it('gets data, subject, stream, seq, msgId, deliveryCount and the publisher\'s mesh headers', async () => {
    const seen: EventMessage[] = [];
    await subscribe(events, { stream, durable: `d-${uniqueId()}`, handler: (event) => void seen.push(event) });
    const ack = await events.publish(subject, { id: '7' }, { msgId: 'order-7', headers: { 'x-request-id': 'req-7', traceparent: '00-abc-def-01' } });
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({
      data: { id: '7' },
      subject,
      stream,
      seq: ack.published ? ack.seq : -1,
      msgId: 'order-7',
      deliveryCount: 1,
      headers: { 'x-request-id': 'req-7', traceparent: '00-abc-def-01' },
    });
  });

  it('whose handler fails is redelivered after the backoff up to maxDeliver, then dead-lettered with the reason and terminated', async () => {
    const durable = `d-${uniqueId()}`;
    const deadLetters = `${prefix}.dead-letters`;
    const dlq = streams.name('DLQ');
    await events.ensureStream({ name: dlq, subjects: [deadLetters] });
    const deliveries: { count: number; at: number }[] = [];
    await subscribe(events, {
      stream,
      durable,
      subject,
      maxDeliver: 3,
      backoffMs: [150, 300],
      deadLetterSubject: deadLetters,
      handler: (event) => {
        deliveries.push({ count: event.deliveryCount, at: performance.now() });
        throw new Error('smtp down');
      },
    });
    const ack = await events.publish(subject, { id: '9' }, { msgId: 'order-9', headers: { 'x-request-id': 'req-9' } });

    const jsm = await jetstreamManager(streams.nc);
    const letter = await waitFor(() => jsm.streams.getMessage(dlq, { last_by_subj: deadLetters }).catch(() => null), { timeoutMs: 15_000 });
    expect(deliveries.map((d) => d.count)).toEqual([1, 2, 3]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(140);
    expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(290);
    expect(letter.json()).toEqual({ id: '9' });
    const h = (name: string) => letter.header.get(name);
    expect(h(DEAD_LETTER_HEADERS.reason)).toBe('handler failed on delivery 3 of 3: smtp down');
    expect(h(DEAD_LETTER_HEADERS.subject)).toBe(subject);
    expect(h(DEAD_LETTER_HEADERS.stream)).toBe(stream);
    expect(h(DEAD_LETTER_HEADERS.seq)).toBe(String(ack.published ? ack.seq : -1));
    expect(h(DEAD_LETTER_HEADERS.durable)).toBe(durable);
    expect(h(DEAD_LETTER_HEADERS.deliveries)).toBe('3');
    expect(h(DEAD_LETTER_HEADERS.msgId)).toBe('order-9');
    expect(h('x-request-id')).toBe('req-9');

    await settled(durable);
    expect(logger.at('warn').map((l) => l.msg)).toEqual([
      'events: handler failed on delivery 1 of 3; redelivery in 150 ms',
      'events: handler failed on delivery 2 of 3; redelivery in 300 ms',
    ]);
    expect(logger.at('error')).toHaveLength(1);
    expect(logger.at('error')[0]!.msg).toContain(`dead-lettered to ${deadLetters}`);
  });

  it('whose handler fails once handles the event on the redelivery', async () => {
    const durable = `d-${uniqueId()}`;
    const counts: number[] = [];
    await subscribe(events, {
      stream,
      durable,
      backoffMs: [50],
      handler: (event) => {
        counts.push(event.deliveryCount);
        if (event.deliveryCount === 1) throw new Error('flaky');
      },
    });
    await events.publish(subject, { id: '1' });
    await settled(durable);
    expect(counts).toEqual([1, 2]);
  });

  it('dead-letters at once, without calling the handler, an event that is not JSON or that parse rejects', async () => {
    const durable = `d-${uniqueId()}`;
    const deadLetters = `${prefix}.dead`;
    const received: string[] = [];
    const sub = streams.nc.subscribe(deadLetters, { callback: (_, msg) => void received.push(msg.headers?.get(DEAD_LETTER_HEADERS.reason) ?? '') });
    await streams.nc.flush();
    let calls = 0;
    await subscribe(events, {
      stream,
      durable,
      deadLetterSubject: deadLetters,
      parse: (data) => {
        if (typeof (data as { id?: unknown }).id !== 'string') throw new Error('id must be a string');
        return data as { id: string };
      },
      handler: () => {
        calls++;
      },
    });
    const jsm = await jetstreamManager(streams.nc);
    await jsm.jetstream().publish(subject, 'not json {');
    await events.publish(subject, { id: 5 });
    await waitFor(() => received.length === 2);
    sub.unsubscribe();
    expect(calls).toBe(0);
    expect(received[0]).toMatch(/^payload rejected: .*JSON/);
    expect(received[1]).toBe('payload rejected: id must be a string');
    expect(logger.at('warn').map((l) => l.msg)).toContain(
      `events: no stream captures dead-letter subject ${deadLetters}; dead letters go out on core NATS and only live subscribers see them`,
    );
    await settled(durable);
  });

  it('whose handler outlasts ackWait is not redelivered meanwhile (it tells the server it is still working)', async () => {
    const durable = `d-${uniqueId()}`;
    const counts: number[] = [];
    await subscribe(events, {
      stream,
      durable,
      ackWaitMs: 600,
      // A pull for more than one stays open on the server: a copy, if the server sent one, would land in it.
      batch: 5,
      handler: async (event) => {
        counts.push(event.deliveryCount);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      },
    });
    await events.publish(subject, { id: '1' });
    await settled(durable);
    expect(counts).toEqual([1]);
    // No copy came back at all (a copy would have been acked by the seen guard, with this debug line).
    expect(logger.at('debug').filter((l) => l.msg.includes('redelivery of a handled event'))).toEqual([]);
  });

  it('handles each event once when pulled events wait in the buffer past ackWait and come back', async () => {
    const durable = `d-${uniqueId()}`;
    const handled: number[] = [];
    // Five events pulled at once, 250 ms each, ackWait 300 ms: those waiting in the buffer expire and come back.
    await subscribe(events, {
      stream,
      durable,
      ackWaitMs: 300,
      batch: 5,
      handler: async (event: EventMessage<{ n: number }>) => {
        handled.push(event.data.n);
        await new Promise((resolve) => setTimeout(resolve, 250));
      },
    });
    for (let n = 1; n <= 5; n++) await events.publish(subject, { n });
    await settled(durable);
    // Whether a copy comes back before the original is acked is up to the server's timing; when one does, the
    // seen guard acks it without a second call (specified deterministically in delivery.processor.spec.ts).
    expect(handled).toEqual([1, 2, 3, 4, 5]);
  });

  it('shares a durable with another instance: each event is handled by one of them, once', async () => {
    const durable = `d-${uniqueId()}`;
    const other = await createEvents({ nats: { servers: [NATS_URL] } });
    const handled: number[] = [];
    const handler = (event: EventMessage<{ n: number }>): void => void handled.push(event.data.n);
    try {
      await subscribe(events, { stream, durable, handler, batch: 1 });
      await subscribe(other, { stream, durable, handler, batch: 1 });
      for (let n = 1; n <= 50; n++) await events.publish(subject, { n });
      await settled(durable);
      expect([...handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    } finally {
      await other.close();
    }
  });

  it('recreates its consumer when it is deleted under it, and does not handle again what it handled', async () => {
    const durable = `d-${uniqueId()}`;
    const handled: number[] = [];
    await subscribe(events, { stream, durable, handler: (e: EventMessage<{ n: number }>) => void handled.push(e.data.n) });
    await events.publish(subject, { n: 1 });
    await waitFor(() => handled.length === 1);
    const jsm = await jetstreamManager(streams.nc);
    await jsm.consumers.delete(stream, durable);
    await events.publish(subject, { n: 2 });
    await waitFor(() => handled.length === 2, { timeoutMs: 15_000 });
    await settled(durable);
    expect(handled).toEqual([1, 2]);
    expect(logger.at('warn').map((l) => l.msg)).toContain('events: the consumer stopped delivering; reading it again shortly');
  });

  it('with deliverPolicy "new" skips what was published before it was created', async () => {
    await events.publish(subject, { n: 1 });
    const handled: number[] = [];
    const durable = `d-${uniqueId()}`;
    await subscribe(events, { stream, durable, deliverPolicy: 'new', handler: (e: EventMessage<{ n: number }>) => void handled.push(e.data.n) });
    await events.publish(subject, { n: 2 });
    await settled(durable);
    expect(handled).toEqual([2]);
  });
});

describe('close()', () => {
  it('lets the handler in flight finish and ack, and hands buffered events back at once', async () => {
    const durable = `d-${uniqueId()}`;
    const release = deferred();
    const handled: number[] = [];
    const started: number[] = [];
    const subscription = await subscribe(events, {
      stream,
      durable,
      batch: 5,
      handler: async (event: EventMessage<{ n: number }>) => {
        started.push(event.data.n);
        if (event.data.n === 1) await release.promise;
        handled.push(event.data.n);
      },
    });
    for (let n = 1; n <= 5; n++) await events.publish(subject, { n });
    await waitFor(() => started.length === 1);
    let closed = false;
    const closing = subscription.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release.resolve();
    await closing;
    expect(handled).toEqual([1]);
    expect((await consumerInfo(durable)).ack_floor.stream_seq).toBe(1);

    // Handed back with a nak, not left to ackWait (30 s by default): a new reader gets them now.
    await subscribe(events, { stream, durable, handler: (event: EventMessage<{ n: number }>) => void handled.push(event.data.n) });
    await settled(durable);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
  });

  it('of Events drains its subscriptions first', async () => {
    const durable = `d-${uniqueId()}`;
    const release = deferred();
    const done: number[] = [];
    await events.subscribe({
      stream,
      durable,
      handler: async () => {
        await release.promise;
        done.push(1);
      },
    });
    await events.publish(subject, {});
    await waitFor(async () => (await consumerInfo(durable)).num_ack_pending === 1);
    const closing = events.close();
    release.resolve();
    await closing;
    expect(done).toEqual([1]);
    expect((await consumerInfo(durable)).num_ack_pending).toBe(0);
  });
});

describe('subscribe errors', () => {
  it('MESHWAY_EVENTS_NO_STREAM for a stream that does not exist', async () => {
    await expect(events.subscribe({ stream: `NOPE_${uniqueId()}`, durable: 'd', handler: () => undefined })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_NO_STREAM',
      message: expect.stringContaining('ensureStream'),
    });
  });

  it('MESHWAY_EVENTS_CONSUMER_CONFLICT when the durable exists with another subject filter', async () => {
    const durable = `d-${uniqueId()}`;
    await (await events.subscribe({ stream, durable, subject, handler: () => undefined })).close();
    await expect(events.subscribe({ stream, durable, subject: `${prefix}.orders.cancelled`, handler: () => undefined })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_CONSUMER_CONFLICT',
      message: expect.stringContaining(`with subject filter ${subject}`),
    });
  });

  it('MESHWAY_EVENTS_INVALID_OPTIONS when the dead-letter subject would come back to the consumer', async () => {
    const inFilter = { stream, durable: 'd', subject: `${prefix}.>`, deadLetterSubject: `${prefix}.dead`, handler: () => undefined };
    await expect(events.subscribe(inFilter)).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_INVALID_OPTIONS',
      message: expect.stringContaining('deadLetterSubject'),
    });
    await expect(events.subscribe({ stream, durable: 'd', deadLetterSubject: `${prefix}.orders.dead`, handler: () => undefined })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_INVALID_OPTIONS',
      message: expect.stringContaining(`stream ${stream} captures it`),
    });
  });
});
