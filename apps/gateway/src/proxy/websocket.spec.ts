import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../start-gateway.js';

describe('WebSocket pass-through', () => {
  let echo: WebSocketServer;
  let gateway: RunningGateway;
  const upgrades: { url: string | undefined; requestId: string | string[] | undefined }[] = [];

  beforeAll(async () => {
    echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => echo.once('listening', resolve));
    echo.on('connection', (socket, request) => {
      upgrades.push({ url: request.url, requestId: request.headers['x-request-id'] });
      socket.on('message', (data, binary) => {
        socket.send(data, { binary });
      });
    });
    const discovery = new StaticDiscovery([{ service: 'chat', address: '127.0.0.1', port: (echo.address() as AddressInfo).port }]);
    gateway = await startGateway({ discovery, port: 0, adminPort: 0, routes: [{ path: '/ws/*', service: 'chat', stripPrefix: '/ws' }] });
  });

  afterAll(async () => {
    await gateway.close();
    await new Promise<void>((resolve) => {
      echo.close(() => {
        resolve();
      });
    });
  });

  it('upgrades through the gateway and echoes messages both ways', async () => {
    const client = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws/room/7`, { headers: { 'x-request-id': 'ws-1' } });
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      client.once('open', () => {
        client.send('hello');
        client.send('again');
      });
      client.on('message', (data: Buffer) => {
        replies.push(data.toString());
        if (replies.length === 2) resolve();
      });
    });
    client.close();
    expect(replies).toEqual(['hello', 'again']);
    expect(upgrades.at(-1)).toEqual({ url: '/room/7', requestId: 'ws-1' });
  });

  it('refuses an upgrade on an unknown path with the JSON 404', async () => {
    const client = new WebSocket(`${gateway.url.replace('http', 'ws')}/nowhere`);
    const status = await new Promise<number>((resolve) => {
      client.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
      });
      client.once('error', () => {
        resolve(-1);
      });
    });
    expect(status).toBe(404);
  });
});
