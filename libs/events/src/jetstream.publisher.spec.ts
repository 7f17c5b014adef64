import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvents } from './create-events.js';
import type { Events } from './events.js';
import { NATS_URL, StreamsUnderTest, uniqueId } from './nats.fixture.js';

let streams: StreamsUnderTest;
let events: Events;
let stream: string;
let subject: string;

beforeAll(async () => {
  streams = await StreamsUnderTest.connect();
  events = await createEvents({ nats: { servers: [NATS_URL] } });
  stream = streams.name('PUB');
  subject = `evt-${uniqueId()}.orders.created`;
  await events.ensureStream({ name: stream, subjects: [`${subject.split('.')[0] ?? ''}.>`] });
});

afterAll(async () => {
  await events.close();
  await streams.cleanUp();
});

async function stored(seq: number) {
  const jsm = await jetstreamManager(streams.nc);
  const msg = await jsm.streams.getMessage(stream, { seq });
  if (!msg) throw new Error(`no message ${seq} in ${stream}`);
  return msg;
}

describe('publish', () => {
  it('stores the JSON payload and answers with the stream, the sequence and duplicate: false', async () => {
    const ack = await events.publish(subject, { id: '1', items: ['tea'] }, { msgId: `m-${uniqueId()}` });
    expect(ack).toMatchObject({ published: true, stream, duplicate: false });
    if (!ack.published) throw new Error('not published');
    expect((await stored(ack.seq)).json()).toEqual({ id: '1', items: ['tea'] });
  });

  it('stores one event when the same msgId is published twice (Nats-Msg-Id de-duplication)', async () => {
    const msgId = `order-created:${uniqueId()}`;
    const first = await events.publish(subject, { id: '2' }, { msgId });
    const second = await events.publish(subject, { id: '2' }, { msgId });
    expect(first).toMatchObject({ published: true, duplicate: false });
    expect(second).toEqual({ ...first, duplicate: true });
    const jsm = await jetstreamManager(streams.nc);
    const info = await jsm.streams.info(stream, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(info.state.messages);
  });

  it('sends msgId and the mesh headers as NATS headers', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const ack = await events.publish(subject, { id: '3' }, { msgId: 'hdr-1', headers: { 'x-request-id': 'r-1', traceparent, skipped: undefined } });
    if (!ack.published) throw new Error('not published');
    const msg = await stored(ack.seq);
    expect(msg.header.get('Nats-Msg-Id')).toBe('hdr-1');
    expect(msg.header.get('x-request-id')).toBe('r-1');
    expect(msg.header.get('traceparent')).toBe(traceparent);
    expect(msg.header.has('skipped')).toBe(false);
  });

  it('throws MESHWAY_EVENTS_NO_STREAM for a subject no stream captures', async () => {
    await expect(events.publish(`evt-${uniqueId()}.nowhere`, {})).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_NO_STREAM',
      message: expect.stringContaining('No stream captures subject'),
    });
  });

  it('throws MESHWAY_EVENTS_BAD_PAYLOAD for what JSON cannot carry', async () => {
    await expect(events.publish(subject, undefined)).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_BAD_PAYLOAD' });
    await expect(events.publish(subject, { n: 1n })).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_BAD_PAYLOAD' });
  });

  it('throws MESHWAY_EVENTS_INVALID_OPTIONS for a wildcard subject, an empty msgId or a header with a line break', async () => {
    await expect(events.publish('orders.*', {})).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_INVALID_OPTIONS', message: expect.stringContaining('subject') });
    await expect(events.publish(subject, {}, { msgId: '' })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_INVALID_OPTIONS',
      message: expect.stringContaining('msgId'),
    });
    await expect(events.publish(subject, {}, { headers: { 'x-request-id': 'a\r\nb' } })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_INVALID_OPTIONS',
      message: expect.stringContaining('headers.x-request-id'),
    });
  });
});

describe('publish after close', () => {
  it('throws MESHWAY_EVENTS_CLOSED', async () => {
    const closed = await createEvents({ nats: { servers: [NATS_URL] } });
    await closed.close();
    await closed.close();
    await expect(closed.publish(subject, {})).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_CLOSED' });
  });

  it('throws MESHWAY_EVENTS_NATS_UNAVAILABLE when the connection it was given is closed', async () => {
    const own = await StreamsUnderTest.connect();
    const onTheirs = await createEvents({ nats: own.nc });
    await own.nc.close();
    await expect(onTheirs.publish(subject, {})).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_NATS_UNAVAILABLE' });
  });
});
