import { createServer, type AddressInfo, type Server } from 'node:net';
import { freePort } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DevErrorCode } from './dev.errors.js';
import { parseNatsServers, probeNats } from './nats.probe.js';

describe('parseNatsServers', () => {
  it('reads a comma-separated list, adding the nats:// scheme and port 4222 when absent', () => {
    expect(parseNatsServers('nats://127.0.0.1:4222, nats-2:4223 ,tls://nats-3')).toEqual([
      { url: 'nats://127.0.0.1:4222', host: '127.0.0.1', port: 4222 },
      { url: 'nats://nats-2:4223', host: 'nats-2', port: 4223 },
      { url: 'tls://nats-3', host: 'nats-3', port: 4222 },
    ]);
    expect(parseNatsServers('nats://[::1]:4222')).toEqual([{ url: 'nats://[::1]:4222', host: '::1', port: 4222 }]);
  });

  it.each(['', 'nats://a:4222,', 'http://a:4222', 'nats://a:99999'])('rejects NATS_URL=%j with MESHWAY_DEV_BAD_ENV', (url) => {
    expect(() => parseNatsServers(url)).toThrow(expect.objectContaining({ code: DevErrorCode.BadEnv, message: expect.stringContaining('NATS_URL=') }));
  });
});

describe('probeNats', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  it('is reachable when any listed server accepts a TCP connection, naming the first that does', async () => {
    server = createServer((socket) => socket.end()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const closed = await freePort();
    const servers = parseNatsServers(`nats://127.0.0.1:${closed},nats://127.0.0.1:${port}`);
    expect(await probeNats(servers)).toEqual({ reachable: true, url: `nats://127.0.0.1:${port}` });
  });

  it('reports ECONNREFUSED when nothing listens', async () => {
    const closed = await freePort();
    expect(await probeNats(parseNatsServers(`nats://127.0.0.1:${closed}`))).toEqual({ reachable: false, reason: 'ECONNREFUSED' });
  });
});
