import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { waitFor } from '@meshway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventPublisher, Events, type EventMessage } from '../index.js';
import { NATS_URL, RecordingLogger, StreamsUnderTest, uniqueId } from '../nats.fixture.js';
import { EventsModule } from './events.module.js';
import { OnEvent } from './on-event.decorator.js';

// A real Nest application context (no HTTP) on the machine's nats-server with JetStream. Names are unique per run.

let streams: StreamsUnderTest;
let STREAM: string;
let PREFIX: string;
let SUBJECT: string;
const apps: INestApplicationContext[] = [];

beforeAll(async () => {
  streams = await StreamsUnderTest.connect();
});

beforeEach(() => {
  STREAM = streams.name('NEST');
  PREFIX = `evt-${uniqueId()}`;
  SUBJECT = `${PREFIX}.orders.created`;
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await streams.cleanUp();
});

async function boot(module: object): Promise<INestApplicationContext> {
  // Nest declares its options as a class; Readonly<> says only the literal's fields matter.
  const options: Readonly<NonNullable<Parameters<typeof NestFactory.createApplicationContext>[1]>> = { logger: false, abortOnError: false };
  const app = await NestFactory.createApplicationContext(module, options);
  apps.push(app);
  await app.init();
  return app;
}

/** What a notifications service would do: handle orders.created once each, slowly when told to. */
function notificationsModule(durable: string, options: { nats?: { servers: string[] }; logger?: RecordingLogger } = { nats: { servers: [NATS_URL] } }) {
  const handled: { id: string; requestId: string | undefined }[] = [];
  const started: string[] = [];
  let slow: Promise<void> = Promise.resolve();

  @Injectable()
  class OrderNotifier {
    @OnEvent({ stream: STREAM, durable, subject: SUBJECT, ackWaitMs: 5_000 })
    async onOrderCreated(event: EventMessage<{ id: string }>): Promise<void> {
      started.push(event.data.id);
      await slow;
      handled.push({ id: event.data.id, requestId: event.headers['x-request-id'] });
    }
  }

  @Module({
    imports: [EventsModule.forRoot({ ...options, streams: [{ name: STREAM, subjects: [`${PREFIX}.orders.>`] }] })],
    providers: [OrderNotifier],
  })
  class NotificationsModule {}

  return {
    NotificationsModule,
    handled,
    started,
    slowDown: (until: Promise<void>) => {
      slow = until;
    },
  };
}

describe('EventsModule', () => {
  it('ensures the streams, provides EventPublisher, and runs @OnEvent methods as durable subscriptions', async () => {
    const { NotificationsModule, handled } = notificationsModule(`notifications-${uniqueId()}`);
    const app = await boot(NotificationsModule);
    const publisher = app.get(EventPublisher);
    expect(app.get(Events)).toBe(publisher);
    const ack = await publisher.publish(SUBJECT, { id: '1' }, { msgId: `o-${uniqueId()}`, headers: { 'x-request-id': 'r-1' } });
    expect(ack).toMatchObject({ published: true, stream: STREAM });
    await waitFor(() => handled.length === 1);
    expect(handled).toEqual([{ id: '1', requestId: 'r-1' }]);
  });

  it('catches up on what was published while the service was down', async () => {
    const durable = `notifications-${uniqueId()}`;
    const first = notificationsModule(durable);
    await (await boot(first.NotificationsModule)).close();
    apps.length = 0;

    const publisher = await boot(EventsPublisherOnly());
    for (let i = 1; i <= 20; i++) await publisher.get(EventPublisher).publish(SUBJECT, { id: String(i) }, { msgId: `${durable}-${i}` });

    const second = notificationsModule(durable);
    await boot(second.NotificationsModule);
    await waitFor(() => second.handled.length >= 20);
    expect(second.handled.map((h) => h.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  it('drains on shutdown: app.close() waits for the handler in flight, which acks', async () => {
    const { NotificationsModule, handled, started, slowDown } = notificationsModule(`notifications-${uniqueId()}`);
    let release = (): void => undefined;
    slowDown(new Promise<void>((resolve) => (release = resolve)));
    const app = await boot(NotificationsModule);
    await app.get(EventPublisher).publish(SUBJECT, { id: 'slow' });
    const events = app.get(Events);
    await waitFor(() => started.length === 1);
    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    apps.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(handled.map((h) => h.id)).toEqual(['slow']);
    await expect(events.publish(SUBJECT, {})).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_CLOSED' });
  });

  it('builds its options with forRootAsync', async () => {
    @Module({ imports: [EventsModule.forRootAsync({ useFactory: () => Promise.resolve({ nats: { servers: [NATS_URL] } }) })] })
    class AppModule {}
    const app = await boot(AppModule);
    expect(app.get(Events).enabled).toBe(true);
  });

  it('without NATS (MESHWAY_TRANSPORT=http) boots with events off: one warning, publishes resolve { published: false }, no subscription', async () => {
    const logger = new RecordingLogger();
    const { NotificationsModule, handled } = notificationsModule(`notifications-${uniqueId()}`, { logger });
    const app = await boot(NotificationsModule);
    expect(await app.get(EventPublisher).publish(SUBJECT, { id: 'x' })).toMatchObject({ published: false });
    expect(logger.at('warn')).toHaveLength(1);
    expect(handled).toEqual([]);
  });

  it('refuses at boot two @OnEvent methods on the same durable', async () => {
    const durable = `d-${uniqueId()}`;
    @Injectable()
    class Twice {
      @OnEvent({ stream: STREAM, durable })
      a(): void {
        return undefined;
      }

      @OnEvent({ stream: STREAM, durable })
      b(): void {
        return undefined;
      }
    }
    @Module({ imports: [EventsModule.forRoot({ nats: { servers: [NATS_URL] } })], providers: [Twice] })
    class AppModule {}
    await expect(boot(AppModule)).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_INVALID_OPTIONS', message: expect.stringContaining('Twice.a and Twice.b') });
  });

  it('fails at boot with MESHWAY_EVENTS_NO_STREAM when an @OnEvent stream does not exist', async () => {
    @Injectable()
    class Lost {
      @OnEvent({ stream: `NOPE_${uniqueId()}`, durable: 'd' })
      on(): void {
        return undefined;
      }
    }
    @Module({ imports: [EventsModule.forRoot({ nats: { servers: [NATS_URL] } })], providers: [Lost] })
    class AppModule {}
    await expect(boot(AppModule)).rejects.toMatchObject({ code: 'MESHWAY_EVENTS_NO_STREAM' });
  });

  it('checks @OnEvent options when the class is defined', () => {
    expect(() => OnEvent({ stream: 'ORDERS', durable: 'has.dot' })).toThrow(expect.objectContaining({ code: 'MESHWAY_EVENTS_INVALID_OPTIONS' }));
  });
});

/** A publisher-only app, like orders. */
function EventsPublisherOnly() {
  @Module({ imports: [EventsModule.forRoot({ nats: { servers: [NATS_URL] }, streams: [{ name: STREAM, subjects: [`${PREFIX}.orders.>`] }] })] })
  class OrdersModule {}
  return OrdersModule;
}
