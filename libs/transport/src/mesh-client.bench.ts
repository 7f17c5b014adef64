import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { StaticDiscovery } from '@meshway/discovery';
import { connect } from '@nats-io/transport-node';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { afterAll, bench, describe } from 'vitest';
import { MeshClient } from './mesh-client.js';
import { decodeNestReply, encodeNestRequest } from './nest-nats.codec.js';

// What MeshClient adds to one call at 1 in flight: `npx vitest bench --project transport --run`.
// Each pair runs the same exchange bare (undici Pool / nats.js request) and through MeshClient.
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const body = { id: 1, name: 'Ada', tags: Array.from({ length: 20 }, (_, i) => `tag-${i}`) };

const upstream = Fastify();
upstream.get('/users/:id', (_req, res) => res.send(body));
await upstream.listen({ port: 0, host: '127.0.0.1' });
const port = (upstream.server.address() as AddressInfo).port;

const responder = await connect({ servers: [NATS_URL] });
const pattern = `meshway-bench.${randomUUID()}.users.get`;
responder.subscribe(pattern, {
  queue: 'users',
  callback: (_e, msg) => {
    const packet = msg.json<{ id: string }>();
    msg.respond(JSON.stringify({ id: packet.id, response: body, isDisposed: true }));
  },
});
await responder.flush();

const pool = new Pool(`http://127.0.0.1:${port}`);
const requester = await connect({ servers: [NATS_URL] });
const httpMesh = new MeshClient({ discovery: new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port }]) });
const natsMesh = new MeshClient({
  discovery: new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: 1, meta: { 'meshway-transport': 'nats' } }]),
  nats: requester,
});

afterAll(async () => {
  await Promise.all([httpMesh.close(), natsMesh.close(), pool.close(), requester.close(), responder.close(), upstream.close()]);
});

describe('HTTP call, 1 in flight', () => {
  bench('undici Pool.request + JSON', async () => {
    const res = await pool.request({ method: 'GET', path: '/users/1', headers: { accept: 'application/json' } });
    await res.body.json();
  }, { time: 2_000 });
  bench('MeshClient.call', async () => {
    await httpMesh.call('users', 'GET /users/1');
  }, { time: 2_000 });
});

describe('NATS call (Nest wire format), 1 in flight', () => {
  bench('nats.js request + codec', async () => {
    const id = randomUUID();
    const msg = await requester.request(pattern, encodeNestRequest(pattern, { id: 1 }, id), { timeout: 5_000 });
    decodeNestReply(msg.data);
  }, { time: 2_000 });
  bench('MeshClient.call', async () => {
    await natsMesh.call('users', pattern, { id: 1 });
  }, { time: 2_000 });
});
