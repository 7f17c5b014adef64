import { createServer, type AddressInfo, type Server } from 'node:net';
import { freePort } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { detectTransport, parseNatsServer } from './transport.detect.js';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('detectTransport', () => {
  it('takes http or nats as forced, without probing', async () => {
    expect(await detectTransport({ mode: 'http', natsServers: ['nats://127.0.0.1:1'] })).toEqual({ transport: 'http', reason: 'HTTP (MESHWAY_TRANSPORT=http)' });
    expect(await detectTransport({ mode: 'nats', natsServers: ['nats://127.0.0.1:1'] })).toEqual({
      transport: 'nats',
      reason: 'NATS at nats://127.0.0.1:1 (MESHWAY_TRANSPORT=nats)',
    });
  });

  it('chooses NATS in auto mode when the NATS server answers', async () => {
    expect(await detectTransport({ mode: 'auto', natsServers: [NATS_URL], timeoutMs: 1_000 })).toEqual({
      transport: 'nats',
      reason: `NATS reachable at ${NATS_URL}`,
    });
  });

  it('chooses HTTP in auto mode when no server answers, naming each url and its error', async () => {
    const port = await freePort();
    const choice = await detectTransport({ mode: 'auto', natsServers: [`nats://127.0.0.1:${port}`, `127.0.0.1:${port}`], timeoutMs: 1_000 });
    expect(choice).toEqual({
      transport: 'http',
      reason: `HTTP (NATS not reachable at nats://127.0.0.1:${port}: ECONNREFUSED; 127.0.0.1:${port}: ECONNREFUSED)`,
    });
  });

  it('takes the first reachable server when an earlier one is down', async () => {
    const down = await freePort();
    const listener = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
    servers.push(listener);
    await new Promise((resolve) => listener.once('listening', resolve));
    const up = (listener.address() as AddressInfo).port;
    const choice = await detectTransport({ mode: 'auto', natsServers: [`nats://127.0.0.1:${down}`, `nats://127.0.0.1:${up}`] });
    expect(choice).toEqual({ transport: 'nats', reason: `NATS reachable at nats://127.0.0.1:${up}` });
  });

  it('chooses HTTP when no NATS server is configured', async () => {
    expect(await detectTransport({ mode: 'auto', natsServers: [] })).toEqual({ transport: 'http', reason: 'HTTP (no NATS server configured)' });
  });

  it.each([
    [{ mode: 'smtp' as 'auto', natsServers: [] }, 'mode: got "smtp"; allowed: auto, http, nats'],
    [{ mode: 'auto' as const, natsServers: [], timeoutMs: 0 }, 'timeoutMs: got 0'],
    [{ mode: 'auto' as const, natsServers: ['nats://'] }, 'natsServers: got "nats://"'],
  ])('rejects bad options with MESHWAY_TRANSPORT_INVALID_OPTIONS (%o)', async (options, message) => {
    await expect(detectTransport(options)).rejects.toMatchObject({ code: 'MESHWAY_TRANSPORT_INVALID_OPTIONS', message: expect.stringContaining(message) });
  });
});

describe('parseNatsServer', () => {
  it.each([
    ['nats://10.0.0.1:4333', { host: '10.0.0.1', port: 4333 }],
    ['tls://nats.example:4443', { host: 'nats.example', port: 4443 }],
    ['127.0.0.1:4222', { host: '127.0.0.1', port: 4222 }],
    ['nats://user:secret@nats.internal', { host: 'nats.internal', port: 4222 }],
    ['nats://[::1]:4222', { host: '::1', port: 4222 }],
  ])('reads %s', (server, expected) => {
    expect(parseNatsServer(server)).toEqual(expected);
  });
});
