import Fastify, { type FastifyInstance } from 'fastify';
import { StaticDiscovery } from '@meshway/discovery';
import { ApiError } from '@meshway/service';
import { MeshClient } from '@meshway/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshUserDirectory } from './user.directory.js';

// A real HTTP "users" on port 0, found through StaticDiscovery, called through a real MeshClient.
describe('MeshUserDirectory', () => {
  let users: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    users = Fastify();
    users.get<{ Params: { id: string } }>('/users/:id', async (request, reply) =>
      request.params.id === '1' ? { id: '1', name: 'Ada Lovelace' } : reply.code(404).send({ error: { code: 'USER_NOT_FOUND' } }),
    );
    await users.listen({ port: 0, host: '127.0.0.1' });
    port = (users.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await users.close();
  });

  const directory = (discovery: StaticDiscovery) => new MeshUserDirectory(new MeshClient({ discovery }));

  it('knows a user the users service finds (200) and not one it answers 404 for', async () => {
    const users = directory(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port }]));
    expect(await users.exists('1')).toBe(true);
    expect(await users.exists('999')).toBe(false);
  });

  it('asks for the id percent-encoded, so an id cannot change the path', async () => {
    expect(await directory(new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port }])).exists('../1')).toBe(false);
  });

  it('answers 503 USERS_UNAVAILABLE, not "unknown user", when no users instance is healthy', async () => {
    const error: unknown = await directory(new StaticDiscovery()).exists('1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'USERS_UNAVAILABLE' });
  });
});
