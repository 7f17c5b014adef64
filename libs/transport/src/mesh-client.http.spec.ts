import type { AddressInfo } from 'node:net';
import type { Balancer, RequestOutcome } from '@meshway/balancing';
import { StaticDiscovery, type DiscoverySnapshot, type ServiceInstance, type Unsubscribe } from '@meshway/discovery';
import { FakeClock, freePort, waitFor } from '@meshway/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MeshClient } from './mesh-client.js';

interface Upstream {
  readonly app: FastifyInstance;
  readonly port: number;
  readonly seen: { method: string; url: string; headers: Record<string, unknown> }[];
  openSockets: number;
}

const upstreams: Upstream[] = [];
const clients: MeshClient[] = [];
/** Handlers that hang until the test ends (to provoke timeouts) wait on this. */
let release: () => void = () => undefined;
let released = new Promise<void>((resolve) => (release = resolve));

async function upstream(name: string): Promise<Upstream> {
  const app = Fastify();
  const state: Upstream = { app, port: 0, seen: [], openSockets: 0 };
  app.server.on('connection', (socket) => {
    state.openSockets++;
    socket.on('close', () => state.openSockets--);
  });
  app.addHook('onRequest', (req, _res, done) => {
    state.seen.push({ method: req.method, url: req.url, headers: req.headers });
    done();
  });
  app.get('/users/:id', (req, res) => res.send({ id: (req.params as { id: string }).id, servedBy: name }));
  app.post('/users', (req, res) => res.code(201).header('location', '/users/7').send({ created: req.body, servedBy: name }));
  app.get('/missing', (_req, res) => res.code(404).send({ error: 'not here' }));
  app.get('/broken', (_req, res) => res.code(503).send({ error: 'overloaded' }));
  app.get('/text', (_req, res) => res.type('text/plain').send('plain words'));
  app.get('/slow', async () => {
    await released;
    return { late: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const ready = Object.assign(state, { port: (app.server.address() as AddressInfo).port });
  upstreams.push(ready);
  return ready;
}

function client(discovery: StaticDiscovery, options: Partial<ConstructorParameters<typeof MeshClient>[0]> = {}): MeshClient {
  const made = new MeshClient({ discovery, ...options });
  clients.push(made);
  return made;
}

afterEach(async () => {
  release();
  released = new Promise<void>((resolve) => (release = resolve));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(upstreams.splice(0).map((u) => u.app.close()));
});

describe('MeshClient over HTTP', () => {
  it('calls a service by name with method and path, and returns status, headers and JSON body', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    const got = await mesh.call<{ id: string }>('users', 'GET /users/42');
    expect(got).toMatchObject({ status: 200, body: { id: '42', servedBy: 'a' }, instance: { port: users.port } });
    expect(got.headers['content-type']).toMatch(/application\/json/);

    const created = await mesh.call('users', 'POST /users', { name: 'Ada' });
    expect(created).toMatchObject({ status: 201, body: { created: { name: 'Ada' } }, headers: { location: '/users/7' } });
    expect(users.seen[1]?.headers['content-type']).toBe('application/json');
  });

  it('propagates request id, traceparent, remaining budget and extra headers to the upstream', async () => {
    const users = await upstream('a');
    const clock = new FakeClock(1_000_000);
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]), { clock });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await mesh.call('users', 'GET /users/1', undefined, {
      requestId: 'req-123',
      traceparent,
      deadline: 1_000_000 + 1_234,
      headers: { 'X-Consumer-Plan': 'gold' },
    });
    expect(users.seen[0]?.headers).toMatchObject({
      'x-request-id': 'req-123',
      traceparent,
      'x-request-timeout': '1234',
      'x-consumer-plan': 'gold',
    });
  });

  it('makes up a request id when the caller has none, and sends the default budget', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]), { clock: new FakeClock(), defaultTimeoutMs: 2_500 });
    await mesh.call('users', 'GET /users/1');
    expect(users.seen[0]?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(users.seen[0]?.headers['x-request-timeout']).toBe('2500');
  });

  it('spreads calls round-robin across two instances', async () => {
    const [a, b] = [await upstream('a'), await upstream('b')];
    const mesh = client(new StaticDiscovery([
      { service: 'users', address: '127.0.0.1', port: a.port },
      { service: 'users', address: '127.0.0.1', port: b.port },
    ]));
    const servedBy: string[] = [];
    for (let i = 0; i < 6; i++) servedBy.push((await mesh.call<{ servedBy: string }>('users', `GET /users/${i}`)).body.servedBy);
    expect(servedBy).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('returns 4xx answers and non-JSON bodies as they are', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    expect(await mesh.call('users', 'GET /missing')).toMatchObject({ status: 404, body: { error: 'not here' } });
    expect(await mesh.call('users', 'GET /text')).toMatchObject({ status: 200, body: 'plain words' });
  });

  it('throws MESHWAY_UPSTREAM_ERROR with the status and body of a 5xx answer', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    await expect(mesh.call('users', 'GET /broken')).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_ERROR', status: 503, body: { error: 'overloaded' } });
  });

  it('throws MESHWAY_UPSTREAM_TIMEOUT when the upstream does not answer within the budget', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    const started = Date.now();
    await expect(mesh.call('users', 'GET /slow', undefined, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'MESHWAY_UPSTREAM_TIMEOUT',
      message: expect.stringMatching(/did not answer within \d+ ms/),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('throws MESHWAY_NO_INSTANCE when discovery knows no instance', async () => {
    const mesh = client(new StaticDiscovery());
    await expect(mesh.call('users', 'GET /users/1')).rejects.toMatchObject({ code: 'MESHWAY_NO_INSTANCE', message: 'No healthy instance of service "users"' });
  });

  it('throws MESHWAY_UPSTREAM_UNAVAILABLE when the port refuses connections', async () => {
    const port = await freePort();
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port }]));
    await expect(mesh.call('users', 'GET /users/1')).rejects.toMatchObject({ code: 'MESHWAY_UPSTREAM_UNAVAILABLE', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('throws MESHWAY_DEADLINE_EXCEEDED for a deadline already passed, without calling', async () => {
    const users = await upstream('a');
    const clock = new FakeClock(5_000);
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]), { clock });
    await expect(mesh.call('users', 'GET /users/1', undefined, { deadline: 4_990 })).rejects.toMatchObject({ code: 'MESHWAY_DEADLINE_EXCEEDED' });
    await expect(mesh.call('users', 'GET /users/1', undefined, { deadline: 5_000 })).rejects.toMatchObject({ code: 'MESHWAY_DEADLINE_EXCEEDED' });
    expect(users.seen).toHaveLength(0);
  });

  it('throws MESHWAY_CALL_ABORTED when the caller aborts', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    const controller = new AbortController();
    const call = mesh.call('users', 'GET /slow', undefined, { signal: controller.signal });
    await waitFor(() => users.seen.length === 1);
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'MESHWAY_CALL_ABORTED' });
    await expect(mesh.call('users', 'GET /users/1', undefined, { signal: controller.signal })).rejects.toMatchObject({ code: 'MESHWAY_CALL_ABORTED' });
  });

  it.each([
    ['orders.get', 'looks like a NATS pattern'],
    ['FETCH /users', 'Invalid HTTP method "FETCH"'],
    ['GET users', 'expected "METHOD /path"'],
  ])('rejects target %j for an HTTP instance with MESHWAY_INVALID_CALL', async (target, why) => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    await expect(mesh.call('users', target)).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL', message: expect.stringContaining(why) });
  });

  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs: got 0'],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs: got Infinity'],
    [{ deadline: Number.NaN }, 'deadline: got NaN'],
  ])('rejects bad call options %o with MESHWAY_INVALID_CALL', async (options, why) => {
    const mesh = client(new StaticDiscovery());
    await expect(mesh.call('users', 'GET /', undefined, options)).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL', message: expect.stringContaining(why) });
  });

  it('rejects a payload that cannot be JSON and a header that would break the framing, with MESHWAY_INVALID_CALL', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    await expect(mesh.call('users', 'POST /users', { n: 1n })).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL', message: expect.stringContaining('cannot be sent as JSON') });
    await expect(mesh.call('users', 'GET /users/1', undefined, { requestId: 'a\r\nx-admin: yes' })).rejects.toMatchObject({
      code: 'MESHWAY_INVALID_CALL',
      message: expect.stringContaining('header "x-request-id"'),
    });
    await expect(mesh.call('users', 'GET /users/1', undefined, { headers: { 'bad name': 'x' } })).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL' });
    expect(users.seen).toHaveLength(0);
  });

  it('closes the keep-alive pool of an instance that leaves discovery', async () => {
    const [a, b] = [await upstream('a'), await upstream('b')];
    const discovery = new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: a.port }]);
    const mesh = client(discovery);
    await mesh.call('users', 'GET /users/1');
    expect(a.openSockets).toBe(1);
    discovery.set('users', [{ address: '127.0.0.1', port: b.port }]);
    await waitFor(() => a.openSockets === 0, { timeoutMs: 2_000, message: 'pool of the departed instance closed' });
    expect((await mesh.call<{ servedBy: string }>('users', 'GET /users/1')).body.servedBy).toBe('b');
  });

  it('closes its pools on close(), and refuses calls afterwards', async () => {
    const users = await upstream('a');
    const mesh = client(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]));
    await mesh.call('users', 'GET /users/1');
    await mesh.close();
    await waitFor(() => users.openSockets === 0, { timeoutMs: 2_000 });
    await expect(mesh.call('users', 'GET /users/1')).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL', message: expect.stringContaining('closed') });
  });

  it('reports each outcome to the balancer: answers below 500 count as ok, 5xx and refused connections do not', async () => {
    const users = await upstream('a');
    const refused = await freePort();
    const outcomes: { port: number; ok: boolean }[] = [];
    const recording: Balancer = {
      name: 'round-robin',
      pick: (instances) => instances[0],
      begin: (instance) => (outcome: RequestOutcome) => outcomes.push({ port: instance.port, ok: outcome.ok }),
    };
    const discovery = new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }, { service: 'gone', address: '127.0.0.1', port: refused }]);
    // One attempt per call here: retries (which report every attempt) have their own specs.
    const mesh = client(discovery, { balancer: recording, resilience: { retries: false } });
    await mesh.call('users', 'GET /users/1');
    await mesh.call('users', 'GET /missing');
    await mesh.call('users', 'GET /broken').catch(() => undefined);
    await mesh.call('gone', 'GET /').catch(() => undefined);
    expect(outcomes).toEqual([
      { port: users.port, ok: true },
      { port: users.port, ok: true },
      { port: users.port, ok: false },
      { port: refused, ok: false },
    ]);
  });

  it('sends the same hash key to the same instance with the consistent-hash balancer', async () => {
    const list = [await upstream('a'), await upstream('b'), await upstream('c')];
    const mesh = client(new StaticDiscovery(list.map((u) => ({ service: 'users', address: '127.0.0.1', port: u.port }))), { balancer: 'consistent-hash' });
    for (const key of ['alice', 'bob', 'carol']) {
      const served = new Set<string>();
      for (let i = 0; i < 4; i++) served.add((await mesh.call<{ servedBy: string }>('users', 'GET /users/1', undefined, { hashKey: key })).body.servedBy);
      expect(served.size).toBe(1);
    }
  });

  it('waits for a discovery source whose watch answers later (a registry round trip) by resolving once', async () => {
    const users = await upstream('a');
    const discovery = new LateWatchDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]);
    const mesh = client(discovery);
    expect((await mesh.call('users', 'GET /users/3')).status).toBe(200);
    expect((await mesh.call('users', 'GET /users/4')).status).toBe(200);
    expect(discovery.resolves).toBe(1);
  });

  it('starts one discovery watch per service, even for concurrent first calls', async () => {
    const users = await upstream('a');
    const discovery = new LateWatchDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }]);
    const mesh = client(discovery);
    const answers = await Promise.all([1, 2, 3].map((i) => mesh.call('users', `GET /users/${i}`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(discovery.watches).toBe(1);
  });

  it('honours an abort that happens while discovery answers, without calling', async () => {
    const users = await upstream('a');
    const controller = new AbortController();
    const discovery = new LateWatchDiscovery([{ service: 'users', address: '127.0.0.1', port: users.port }], () => {
      controller.abort();
    });
    const mesh = client(discovery);
    await expect(mesh.call('users', 'GET /users/1', undefined, { signal: controller.signal })).rejects.toMatchObject({ code: 'MESHWAY_CALL_ABORTED' });
    expect(users.seen).toHaveLength(0);
  });
});

/** Like ConsulDiscovery: the first snapshot reaches watchers asynchronously. */
class LateWatchDiscovery extends StaticDiscovery {
  resolves = 0;
  watches = 0;

  constructor(
    initial: ConstructorParameters<typeof StaticDiscovery>[0],
    private readonly onResolve: () => void = () => undefined,
  ) {
    super(initial);
  }

  override watch(service: string, listener: (snapshot: DiscoverySnapshot) => void): Unsubscribe {
    this.watches++;
    let stop: Unsubscribe = () => undefined;
    const pending = setImmediate(() => (stop = super.watch(service, listener)));
    return () => {
      clearImmediate(pending);
      stop();
    };
  }

  override resolve(service: string): Promise<readonly ServiceInstance[]> {
    this.resolves++;
    this.onResolve();
    return super.resolve(service);
  }
}
