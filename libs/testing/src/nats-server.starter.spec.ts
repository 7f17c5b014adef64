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

describe('startNatsServer', () => {
  it('starts a private nats-server on a free port and stops it', async () => {
    const nats = await startNatsServer();
    expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(nats.url).not.toBe('nats://127.0.0.1:4222');
    expect(await accepts(nats.url)).toBe(true);
    await nats.stop();
    expect(await accepts(nats.url)).toBe(false);
  });
});
