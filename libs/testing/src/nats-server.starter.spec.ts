import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startNatsServer } from './nats-server.starter.js';

function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** What nats-server logs when JetStream is on (the API itself is covered by @meshway/events' specs). */
const JETSTREAM_STARTED = /Starting JetStream/;

/** The `-sd <dir>` a JetStream server was started with, from its own log line. */
function storeDirOf(output: string): string {
  const dir = /Store Directory:\s+"([^"]+)"/.exec(output)?.[1];
  if (dir === undefined) throw new Error(`no store directory in:\n${output}`);
  return dir;
}

describe('startNatsServer', () => {
  it('starts a private nats-server on a free port, without JetStream, and stops it', async () => {
    const nats = await startNatsServer();
    expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(nats.url).not.toBe('nats://127.0.0.1:4222');
    expect(await accepts(nats.url)).toBe(true);
    expect(nats.process.output()).not.toMatch(JETSTREAM_STARTED);
    await nats.stop();
    expect(await accepts(nats.url)).toBe(false);
  });

  it('starts one with JetStream and a store of its own, removed on stop', async () => {
    const nats = await startNatsServer({ jetStream: true });
    expect(nats.process.output()).toMatch(JETSTREAM_STARTED);
    const store = storeDirOf(nats.process.output());
    expect(existsSync(store)).toBe(true);
    await nats.stop();
    expect(await accepts(nats.url)).toBe(false);
    expect(existsSync(store)).toBe(false);
  });
});
