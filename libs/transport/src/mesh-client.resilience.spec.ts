import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { Deadline, runWithDeadline } from '@meshway/resilience';
import { systemClock } from '@meshway/clock';
import { MeshClient } from './mesh-client.js';
import type { MeshClientOptions } from './mesh-client.options.js';

interface Instance {
  readonly id: string;
  readonly port: number;
  status: number;
  delayMs: number;
  readonly seen: { method: string; timeout: string | undefined }[];
  readonly server: Server;
}

const servers: Server[] = [];
const clients: MeshClient[] = [];

async function instance(id: string, status = 200): Promise<Instance> {
  const state = { id, status, delayMs: 0, seen: [] as Instance['seen'] } as Instance;
  const server = createServer((req, res) => {
    req.resume();
    state.seen.push({ method: req.method ?? '', timeout: req.headers['x-request-timeout'] as string | undefined });
    setTimeout(() => {
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ servedBy: id }));
    }, state.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return Object.assign(state, { server, port: (server.address() as AddressInfo).port });
}

function client(instances: Instance[], options: Partial<MeshClientOptions> = {}): MeshClient {
  const discovery = new StaticDiscovery(instances.map((i) => ({ service: 'users', id: i.id, address: '127.0.0.1', port: i.port })));
  const made = new MeshClient({ discovery, ...options });
  clients.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

describe('MeshClient resilience', () => {
  it('retries a GET that got 503 on another instance, and never retries a POST', async () => {
    const [a, b] = [await instance('a', 503), await instance('b')];
    const mesh = client([a, b], { balancer: 'round-robin' });
    for (let i = 0; i < 4; i++) expect((await mesh.call<{ servedBy: string }>('users', 'GET /users/1')).body.servedBy).toBe('b');
    b.status = 503;
    const posts = a.seen.length + b.seen.length;
    await expect(mesh.call('users', 'POST /users', {})).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_ERROR', status: 503 });
    expect(a.seen.length + b.seen.length - posts).toBe(1);
  });

  it('retries a POST the caller marks retryable', async () => {
    const [a, b] = [await instance('a', 503), await instance('b')];
    const mesh = client([a, b], { balancer: 'round-robin' });
    const answer = await mesh.call<{ servedBy: string }>('users', 'POST /users', {}, { resilience: { retries: { retryable: true } } });
    expect(answer.body.servedBy).toBe('b');
  });

  it('inherits the deadline of the request being served, and sends what is left of it', async () => {
    const [a] = [await instance('a')];
    const mesh = client([a]);
    await runWithDeadline(Deadline.after(400, systemClock), () => mesh.call('users', 'GET /users/1'));
    expect(Number(a.seen[0]?.timeout)).toBeLessThanOrEqual(400);
    expect(Number(a.seen[0]?.timeout)).toBeGreaterThan(300);
    const spent = runWithDeadline(Deadline.after(0, systemClock), () => mesh.call('users', 'GET /users/1'));
    await expect(spent).rejects.toMatchObject({ code: 'MESHWAY_DEADLINE_EXCEEDED' });
    expect(a.seen).toHaveLength(1);
  });

  it('gives up on a slow instance after the per-try timeout and asks another one', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    a.delayMs = 2_000;
    const mesh = client([a, b], { balancer: 'round-robin', resilience: { retries: { perTryTimeoutMs: 150 } } });
    const started = performance.now();
    expect((await mesh.call<{ servedBy: string }>('users', 'GET /users/1', undefined, { timeoutMs: 3_000 })).body.servedBy).toBe('b');
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('refuses calls beyond a service\'s bulkhead at once with MESHWAY_BULKHEAD_FULL', async () => {
    const [a] = [await instance('a')];
    a.delayMs = 300;
    const mesh = client([a], { services: { users: { bulkhead: { maxConcurrent: 1 } } } });
    const first = mesh.call('users', 'GET /users/1');
    await expect(mesh.call('users', 'GET /users/2')).rejects.toMatchObject({ code: 'MESHWAY_BULKHEAD_FULL' });
    await first;
  });

  it('names a bad resilience option', () => {
    expect(() => new MeshClient({ discovery: new StaticDiscovery(), services: { users: { retries: { maxAttempts: 0 } } } })).toThrow(/services\.users\.retries\.maxAttempts/);
  });
});
