import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnProcess, waitFor, type ManagedProcess } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvents } from './create-events.js';
import type { EventMessage, Events } from './events.js';
import { RecordingLogger } from './nats.fixture.js';

// A private nats-server with JetStream on a free port and its own store, stopped and started again under a running
// publisher and subscriber: the shared server at 4222 is never restarted.

/** The Debian package's path first (as `startNatsServer` in @meshway/testing), then PATH. */
const BINARY = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
let storeDir: string;
let port: number;
let server: ManagedProcess | undefined;
let eventsUnderTest: Events | undefined;

async function startServer(): Promise<void> {
  server = spawnProcess({ name: `nats-js-${port}`, command: BINARY, args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir] });
  await server.waitForLine(/Server is ready/, 15_000);
}

async function stopServer(): Promise<void> {
  await server?.kill('SIGTERM');
  server = undefined;
}

beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), 'meshway-events-js-'));
  port = await freePort();
  await startServer();
});

afterAll(async () => {
  await eventsUnderTest?.close();
  await stopServer();
  rmSync(storeDir, { recursive: true, force: true });
});

describe('events across a NATS restart', () => {
  it('publishing while NATS is down fails with MESHWAY_EVENTS_NATS_UNAVAILABLE; publisher and subscriber carry on once it is back', async () => {
    const events = await createEvents({ nats: { servers: [`nats://127.0.0.1:${port}`] }, timeoutMs: 500, logger: new RecordingLogger() });
    eventsUnderTest = events;
    await events.ensureStream({ name: 'ORDERS', subjects: ['orders.>'] });
    const handled: string[] = [];
    const handler = (e: EventMessage<{ id: string }>): void => void handled.push(e.data.id);
    await events.subscribe({ stream: 'ORDERS', durable: 'notifications', handler });
    await events.publish('orders.created', { id: 'before' }, { msgId: 'before' });
    await waitFor(() => handled.length === 1);

    await stopServer();
    await expect(events.publish('orders.created', { id: 'during' }, { msgId: 'during' })).rejects.toMatchObject({
      code: 'MESHWAY_EVENTS_NATS_UNAVAILABLE',
      message: expect.stringContaining('publish again with the same msgId'),
    });

    await startServer();
    const publishAfter = () => events.publish('orders.created', { id: 'after' }, { msgId: 'after' }).then(() => true, () => false);
    await waitFor(publishAfter, { timeoutMs: 20_000 });
    await waitFor(() => handled.includes('after'), { timeoutMs: 20_000 });
    // "during" may have been stored when the connection came back (nats.js resends what it buffered): once at most.
    expect(handled.filter((id) => id !== 'during')).toEqual(['before', 'after']);
    expect(handled.filter((id) => id === 'during').length).toBeLessThanOrEqual(1);
  });
});
