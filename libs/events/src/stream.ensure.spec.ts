import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvents } from './create-events.js';
import type { Events } from './events.js';
import { NATS_URL, RecordingLogger, StreamsUnderTest, uniqueId } from './nats.fixture.js';

const MS = 1_000_000;
let streams: StreamsUnderTest;
let events: Events;
const logger = new RecordingLogger();

beforeAll(async () => {
  streams = await StreamsUnderTest.connect();
  events = await createEvents({ nats: { servers: [NATS_URL] }, logger });
});

afterAll(async () => {
  await events.close();
  await streams.cleanUp();
});

async function config(name: string) {
  const jsm = await jetstreamManager(streams.nc);
  return (await jsm.streams.info(name)).config;
}

describe('ensureStream', () => {
  it('creates a missing stream with the defaults (7 days, 2 min duplicate window, file storage)', async () => {
    const name = streams.name('NEW');
    const prefix = `evt-${uniqueId()}`;
    expect(await events.ensureStream({ name, subjects: [`${prefix}.>`] })).toEqual({ name, action: 'created', subjects: [`${prefix}.>`] });
    expect(await config(name)).toMatchObject({ subjects: [`${prefix}.>`], max_age: 7 * 24 * 3_600_000 * MS, duplicate_window: 120_000 * MS, storage: 'file' });
    expect(logger.at('info').map((line) => line.msg)).toContain(`events: stream ${name} created`);
  });

  it('leaves a stream that already matches unchanged, however often it is called', async () => {
    const name = streams.name('SAME');
    const spec = { name, subjects: [`evt-${uniqueId()}.>`], maxAgeMs: 60_000, duplicateWindowMs: 30_000 };
    await events.ensureStream(spec);
    expect(await events.ensureStream(spec)).toMatchObject({ action: 'unchanged' });
    expect(await events.ensureStream({ name, subjects: spec.subjects })).toMatchObject({ action: 'unchanged' });
  });

  it('adds missing subjects and keeps the others; a subject a live wildcard already covers is not added', async () => {
    const name = streams.name('GROW');
    const p = `evt-${uniqueId()}`;
    await events.ensureStream({ name, subjects: [`${p}.orders.>`] });
    expect(await events.ensureStream({ name, subjects: [`${p}.orders.created`, `${p}.users.created`] })).toEqual({
      name,
      action: 'updated',
      subjects: [`${p}.orders.>`, `${p}.users.created`],
    });
    expect((await config(name)).subjects).toEqual([`${p}.orders.>`, `${p}.users.created`]);
  });

  it('applies limits that were given to a live stream, and only those', async () => {
    const name = streams.name('LIMITS');
    const subjects = [`evt-${uniqueId()}.>`];
    await events.ensureStream({ name, subjects, maxAgeMs: 60_000 });
    await events.ensureStream({ name, subjects, duplicateWindowMs: 10_000 });
    expect(await config(name)).toMatchObject({ max_age: 60_000 * MS, duplicate_window: 10_000 * MS });
  });

  it('converges when eight instances ensure the same stream at once, each with its own subject', async () => {
    const name = streams.name('RACE');
    const p = `evt-${uniqueId()}`;
    const racers = await Promise.all(Array.from({ length: 8 }, () => createEvents({ nats: { servers: [NATS_URL] } })));
    try {
      const results = await Promise.all(racers.map((racer, i) => racer.ensureStream({ name, subjects: [`${p}.s${i}`] })));
      expect(results.filter((r) => r.action === 'created').length).toBeGreaterThanOrEqual(1);
      expect([...(await config(name)).subjects].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `${p}.s${i}`).sort());
    } finally {
      await Promise.all(racers.map((racer) => racer.close()));
    }
  });

  it('throws MESHWAY_EVENTS_STREAM_CONFLICT when the subjects overlap another stream', async () => {
    const p = `evt-${uniqueId()}`;
    await events.ensureStream({ name: streams.name('FIRST'), subjects: [`${p}.>`] });
    await expect(events.ensureStream({ name: streams.name('SECOND'), subjects: [`${p}.orders`] })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_STREAM_CONFLICT',
      message: expect.stringContaining('overlap'),
    });
  });

  it('throws MESHWAY_EVENTS_INVALID_OPTIONS naming a bad field', async () => {
    await expect(events.ensureStream({ name: 'has.dot', subjects: ['a'] })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_INVALID_OPTIONS',
      message: expect.stringContaining('name: got "has.dot"'),
    });
    await expect(events.ensureStream({ name: 'OK', subjects: [] })).rejects.toMatchObject({ message: expect.stringContaining('subjects') });
    await expect(events.ensureStream({ name: 'OK', subjects: ['a.>.b'] })).rejects.toMatchObject({ message: expect.stringContaining('subjects') });
    await expect(events.ensureStream({ name: 'OK', subjects: ['a'], maxAgeMs: 1_000, duplicateWindowMs: 2_000 })).rejects.toMatchObject({
      message: expect.stringContaining('duplicateWindowMs: got 2000; allowed: at most maxAgeMs (1000)'),
    });
    const disk = events.ensureStream({ name: 'OK', subjects: ['a'], storage: 'disk' as 'file' });
    await expect(disk).rejects.toMatchObject({ message: expect.stringContaining('storage: got "disk"') });
  });
});
