import { connect } from '@nats-io/transport-node';
import { freePort, startNatsServer, type StartedNatsServer } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvents } from './create-events.js';
import { NATS_URL, RecordingLogger } from './nats.fixture.js';

describe('createEvents without NATS (MESHWAY_TRANSPORT=http)', () => {
  it('turns events off with one warning, and publishes nothing without failing', async () => {
    const logger = new RecordingLogger();
    const events = await createEvents({ nats: undefined, logger, disabledReason: 'orders serves HTTP (MESHWAY_TRANSPORT=http)' });
    expect(events.enabled).toBe(false);
    expect(await events.publish('orders.created', { id: '1' }, { msgId: 'x' })).toEqual({
      published: false,
      reason: 'orders serves HTTP (MESHWAY_TRANSPORT=http)',
    });
    await events.publish('orders.created', { id: '2' });
    expect(logger.at('warn').map((l) => l.msg)).toEqual([
      'events are off: orders serves HTTP (MESHWAY_TRANSPORT=http); events are not published and subscriptions receive nothing',
    ]);
    expect(logger.at('debug')).toHaveLength(2);
    expect(logger.lines.filter((l) => l.level !== 'debug')).toHaveLength(1);
  });

  it('starts no subscription and ensures no stream, but still refuses bad options', async () => {
    const events = await createEvents({});
    const subscription = await events.subscribe({ stream: 'ORDERS', durable: 'notifications', handler: () => undefined });
    expect(subscription).toMatchObject({ stream: 'ORDERS', durable: 'notifications' });
    await subscription.close();
    expect(await events.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] })).toEqual({ name: 'ORDERS', action: 'skipped', subjects: [] });
    const bad = events.subscribe({ stream: 'ORDERS', durable: 'a.b', handler: () => undefined });
    await expect(bad).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_INVALID_OPTIONS' });
    await events.close();
  });
});

describe('createEvents against a NATS server without JetStream', () => {
  let plain: StartedNatsServer;

  beforeAll(async () => {
    plain = await startNatsServer();
  });

  afterAll(async () => {
    await plain.stop();
  });

  it('fails with MESHWAY_EVENTS_JETSTREAM_DISABLED saying how to fix it', async () => {
    await expect(createEvents({ nats: { servers: [plain.url] } })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_JETSTREAM_DISABLED',
      message: expect.stringContaining('start the server with -js'),
    });
  });

  it('turns events off with one warning naming the code when JetStream is optional', async () => {
    const logger = new RecordingLogger();
    const events = await createEvents({ nats: { servers: [plain.url] }, jetStream: 'optional', logger });
    expect(events.enabled).toBe(false);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]?.msg).toContain('MESHWAY_EVENTS_JETSTREAM_DISABLED');
    expect(await events.publish('a.b', {})).toMatchObject({ published: false });
  });
});

describe('createEvents with NATS', () => {
  it('fails with MESHWAY_EVENTS_NATS_UNAVAILABLE when no server answers', async () => {
    const port = await freePort();
    await expect(createEvents({ nats: { servers: [`nats://127.0.0.1:${port}`] } })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_NATS_UNAVAILABLE',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it('uses a connection it is given and leaves it open on close()', async () => {
    const nc = await connect({ servers: [NATS_URL] });
    const events = await createEvents({ nats: nc });
    expect(events.enabled).toBe(true);
    await events.close();
    expect(nc.isClosed()).toBe(false);
    await nc.close();
  });
});
