import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { probeTcp } from './tcp.probe.js';

describe('probeTcp', () => {
  it('is reachable when something accepts the connection', async () => {
    const server = createServer((socket) => socket.end()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expect(await probeTcp('127.0.0.1', (server.address() as AddressInfo).port)).toEqual({ reachable: true });
    } finally {
      server.close();
    }
  });

  it('names the error when nothing listens', async () => {
    expect(await probeTcp('127.0.0.1', await freePort())).toEqual({ reachable: false, reason: 'ECONNREFUSED' });
  });

  it('gives up after its timeout on an address that never answers', async () => {
    // 192.0.2.0/24 is TEST-NET-1: routed nowhere, so the connect hangs (or fails at once where there is no route).
    const result = await probeTcp('192.0.2.1', 4222, { timeoutMs: 50 });
    expect(result.reachable).toBe(false);
  });
});
