import { JetStreamApiError, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { DeliveryProcessor } from './delivery.processor.js';
import type { EventHandler } from './events.js';
import { RecordingLogger } from './nats.fixture.js';
import { resolveSubscribeOptions } from './subscribe.options.js';

// DeliveryProcessor on a fake JetStream message and a FakeClock: what it tells the server (ack, working, nak with
// which delay, term) for each kind of delivery, without waiting on a real server's timers.

/** A JetStream message as the server would hand it, recording what the processor answers. */
class FakeJsMsg {
  readonly said: string[] = [];
  readonly headers = natsHeaders();
  readonly info: { stream: string; deliveryCount: number };

  constructor(
    readonly seq: number,
    deliveryCount: number,
    readonly data: Uint8Array = new TextEncoder().encode('{"id":"1"}'),
    readonly subject = 'orders.created',
  ) {
    this.info = { stream: 'ORDERS', deliveryCount };
    this.headers.set('Nats-Msg-Id', `m-${seq}`);
  }

  ackAck(): Promise<boolean> {
    this.said.push('ack');
    return Promise.resolve(true);
  }

  working(): void {
    this.said.push('working');
  }

  nak(millis?: number): void {
    this.said.push(`nak ${millis ?? 'now'}`);
  }

  term(): void {
    this.said.push('term');
  }
}

/** Core NATS with no stream capturing anything: dead letters go out on core NATS, recorded here. */
function coreOnlyNats(published: { subject: string; reason: string | undefined }[]) {
  const nc = {
    publish: (subject: string, _data: Uint8Array, opts?: { headers?: { get(k: string): string } }) => {
      published.push({ subject, reason: opts?.headers?.get('x-meshway-dead-letter-reason') });
    },
    flush: () => Promise.resolve(),
  } as unknown as NatsConnection;
  const notFound = new JetStreamApiError({ err_code: 10059, code: 404, description: 'no stream matches subject' });
  const jsm = { streams: { find: () => Promise.reject(notFound) } } as unknown as JetStreamManager;
  return { nc, jsm, js: {} as JetStreamClient };
}

function setup(handler: EventHandler, overrides: { maxDeliver?: number; backoffMs?: number[]; ackWaitMs?: number } = {}) {
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const published: { subject: string; reason: string | undefined }[] = [];
  const options = resolveSubscribeOptions({ stream: 'ORDERS', durable: 'notifications', handler, ackWaitMs: 1_000, ...overrides });
  const { nc, jsm, js } = coreOnlyNats(published);
  const deadLetters = new DeadLetterPublisher(nc, jsm, js, { subject: options.deadLetterSubject, durable: 'notifications', timeoutMs: 1_000 }, logger);
  const processor = new DeliveryProcessor(options, deadLetters, { clock, logger, ackTimeoutMs: 1_000 });
  const process = (msg: FakeJsMsg) => processor.process(msg as unknown as JsMsg);
  return { clock, logger, published, process };
}

describe('DeliveryProcessor', () => {
  it('acks after the handler resolves', async () => {
    const calls: unknown[] = [];
    const { process } = setup((event) => void calls.push(event.data));
    const msg = new FakeJsMsg(1, 1);
    await process(msg);
    expect(calls).toEqual([{ id: '1' }]);
    expect(msg.said).toEqual(['ack']);
  });

  it('says "working" every half ackWait while the handler runs, and stops when it is done', async () => {
    let finish = (): void => undefined;
    const { clock, process } = setup(() => new Promise<void>((resolve) => (finish = resolve)), { ackWaitMs: 1_000 });
    const msg = new FakeJsMsg(1, 1);
    const done = process(msg);
    await clock.advance(1_600);
    expect(msg.said).toEqual(['working', 'working', 'working']);
    finish();
    await done;
    await clock.advance(5_000);
    expect(msg.said).toEqual(['working', 'working', 'working', 'ack']);
    expect(clock.pending).toBe(0);
  });

  it('acks a redelivery of an event it already handled without calling the handler again', async () => {
    let calls = 0;
    const { process, logger } = setup(() => {
        calls++;
      });
    await process(new FakeJsMsg(7, 1));
    const again = new FakeJsMsg(7, 2);
    await process(again);
    expect(calls).toBe(1);
    expect(again.said).toEqual(['ack']);
    expect(logger.at('debug')[0]?.msg).toBe('events: redelivery of a handled event acked without handling');
  });

  it('naks a failure with the backoff of that attempt (the last repeats; 0 is sent as 1 ms)', async () => {
    const { process } = setup(() => Promise.reject(new Error('down')), { maxDeliver: 5, backoffMs: [0, 200] });
    const said = await Promise.all([1, 2, 3].map(async (count) => {
      const msg = new FakeJsMsg(count, count);
      await process(msg);
      return msg.said;
    }));
    expect(said).toEqual([['nak 1'], ['nak 200'], ['nak 200']]);
  });

  it('dead-letters and terms on the last allowed delivery, with the handler\'s error as the reason', async () => {
    const { process, published, logger } = setup(() => {
      throw new Error('smtp down');
    }, { maxDeliver: 2 });
    const msg = new FakeJsMsg(3, 2);
    await process(msg);
    expect(msg.said).toEqual(['term']);
    expect(published).toEqual([{ subject: 'meshway.dead-letter.ORDERS.notifications', reason: 'handler failed on delivery 2 of 2: smtp down' }]);
    expect(logger.at('warn').map((l) => l.msg)).toContain(
      'events: no stream captures dead-letter subject meshway.dead-letter.ORDERS.notifications; ' +
        'dead letters go out on core NATS and only live subscribers see them',
    );
  });

  it('dead-letters without calling the handler a delivery past maxDeliver (earlier ones were never acked)', async () => {
    let calls = 0;
    const { process, published } = setup(() => {
        calls++;
      }, { maxDeliver: 3 });
    const msg = new FakeJsMsg(4, 4);
    await process(msg);
    expect(calls).toBe(0);
    expect(msg.said).toEqual(['term']);
    expect(published[0]?.reason).toMatch(/^not acknowledged after 3 deliveries/);
  });

  it('dead-letters at once a payload that is not JSON', async () => {
    const { process, published } = setup(() => undefined);
    const msg = new FakeJsMsg(5, 1, new TextEncoder().encode('{oops'));
    await process(msg);
    expect(msg.said).toEqual(['term']);
    expect(published[0]?.reason).toMatch(/^payload rejected: /);
  });
});
