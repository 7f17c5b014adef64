import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { hammer, probe, type Outcome } from './chaos.client.js';

const ROUTE_TIMEOUT_MS = 1_000;

const percentile = (values: readonly number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? 0;

function summary(name: string, outcomes: readonly Outcome[]): void {
  const byStatus = new Map<number, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  console.log(`${name}: ${outcomes.length} requests, statuses ${JSON.stringify(Object.fromEntries(byStatus))}, p50 ${percentile(outcomes.map((o) => o.ms), 0.5)} ms, p99 ${percentile(outcomes.map((o) => o.ms), 0.99)} ms`);
}

/** Registers an instance in the registry the way a service does, with no health check (it counts as passing). */
async function register(registry: string, service: string, id: string, port: number, routes: string): Promise<void> {
  const body = { ID: id, Name: service, Address: '127.0.0.1', Port: port, Meta: { 'meshway-routes': routes, 'meshway-strip-prefix': '/api' } };
  const res = await fetch(`${registry}/v1/agent/service/register`, { method: 'PUT', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

describe('chaos: an instance that never answers, and a service where every instance answers 503', () => {
  let platform: Platform;
  let hanger: TcpServer;
  const held: Socket[] = [];
  const overloaded: { server: Server; hits: number }[] = [];

  beforeAll(async () => {
    platform = await Platform.start({ services: { users: 2 }, env: { GATEWAY_DEFAULT_TIMEOUT_MS: String(ROUTE_TIMEOUT_MS) } });
    // Accepts connections and never answers: the slowest failure there is.
    hanger = createTcpServer((socket) => held.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => hanger.listen(0, '127.0.0.1', resolve));
    await register(platform.registryUrl, 'users', 'users-hanging', (hanger.address() as AddressInfo).port, '* /api/users;* /api/users/*');
    for (let i = 0; i < 2; i++) {
      const entry = { server: createServer((req, res) => {
        entry.hits++;
        req.resume();
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"overloaded"}');
      }), hits: 0 };
      await new Promise<void>((resolve) => entry.server.listen(0, '127.0.0.1', resolve));
      overloaded.push(entry);
      await register(platform.registryUrl, 'overloaded', `overloaded-${i}`, (entry.server.address() as AddressInfo).port, '* /api/overloaded/*');
    }
    await waitFor(async () => (await probe(platform.gatewayUrl, '/api/overloaded/x')).status === 503, { timeoutMs: 20_000, message: 'the gateway routes the overloaded service' });
  }, 180_000);

  afterAll(async () => {
    for (const socket of held) socket.destroy();
    hanger.close();
    for (const { server } of overloaded) {
      server.closeAllConnections();
      server.close();
    }
    await platform.stop();
  });

  it('ends requests to the silent instance at the deadline, then ejects it: after the first second p99 stays within the route timeout', async () => {
    const started = Date.now();
    const outcomes = await hammer(platform.gatewayUrl, ['/api/users', '/api/users/1'], 4_000, 4);
    const first = outcomes.filter((o) => o.at < started + 1_000);
    const later = outcomes.filter((o) => o.at >= started + ROUTE_TIMEOUT_MS + 500);
    summary('silent instance, first second', first);
    summary('silent instance, afterwards', later);
    expect(Math.max(...first.map((o) => o.ms))).toBeLessThan(ROUTE_TIMEOUT_MS + 500);
    expect(later.length).toBeGreaterThan(50);
    expect(later.filter((o) => o.status !== 200)).toEqual([]);
    expect(percentile(later.map((o) => o.ms), 0.99)).toBeLessThanOrEqual(ROUTE_TIMEOUT_MS);
    const metrics = await (await fetch(`${platform.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/meshway_gateway_ejections_total\{service="users",instance="users-hanging"\} [1-9]/);
  });

  it('keeps retries within the budget when every instance answers 503: the upstream sees at most 1.25x the requests, clients get 503 quickly', async () => {
    await sleep(100);
    const before = overloaded.reduce((sum, o) => sum + o.hits, 0);
    const outcomes = await hammer(platform.gatewayUrl, ['/api/overloaded/a', '/api/overloaded/b'], 3_000, 4);
    const upstream = overloaded.reduce((sum, o) => sum + o.hits, 0) - before;
    summary('all 503', outcomes);
    console.log(`all 503: the upstream saw ${upstream} requests for ${outcomes.length} client requests (${(upstream / outcomes.length).toFixed(2)}x)`);
    expect(outcomes.every((o) => o.status === 503)).toBe(true);
    expect(upstream / outcomes.length).toBeLessThanOrEqual(1.25);
    expect(percentile(outcomes.map((o) => o.ms), 0.99)).toBeLessThan(500);
  });
});
