import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

/** Like a Consul server, the registry lists itself as the `consul` service — and nobody can take it away. */
describe('the registry’s own consul service', () => {
  let fx: RegistryFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  it('is in the catalog of a fresh registry', async () => {
    expect(await fx.consul.catalog.service.list()).toEqual({ consul: [] });
    const [row] = rows<Record<string, unknown>>(await fx.consul.catalog.service.nodes('consul'));
    expect(row).toMatchObject({ Node: 'node-1', Address: '127.0.0.1', ServiceID: 'consul', ServiceName: 'consul', ServicePort: 8300, ServiceTags: [] });
    expect(row?.['ServiceMeta']).toMatchObject({ raft_version: '3', non_voter: 'false' });
  });

  it('is the agent itself, passing, in /v1/health/service/consul', async () => {
    const entries = rows<{ Node: { Node: string }; Service: { ID: string; Port: number }; Checks: { CheckID: string; Status: string }[] }>(
      await fx.consul.health.service({ service: 'consul', passing: true }),
    );
    expect(entries.map((e) => [e.Node.Node, e.Service.ID, e.Service.Port])).toEqual([['node-1', 'consul', 8300]]);
    expect(entries[0]?.Checks.map((c) => [c.CheckID, c.Status])).toEqual([['serfHealth', 'passing']]);
  });

  it('is not one of the agent’s own services (as on a Consul server)', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1' });
    const services: Record<string, unknown> = await fx.consul.agent.service.list();
    expect(Object.keys(services)).toEqual(['web-1']);
    expect((await fx.http('/v1/agent/service/consul')).status).toBe(404);
  });

  it('cannot be deregistered, replaced, or put into maintenance, through the agent or the catalog', async () => {
    const attempts: [string, string, unknown?][] = [
      ['/v1/agent/service/deregister/consul', 'PUT'],
      ['/v1/agent/service/maintenance/consul?enable=true', 'PUT'],
      ['/v1/agent/service/register', 'PUT', { Name: 'consul', ID: 'consul', Port: 1 }],
      ['/v1/catalog/register', 'PUT', { Node: 'node-1', Address: '127.0.0.1', Service: { Service: 'consul', ID: 'consul', Port: 1 } }],
      ['/v1/catalog/deregister', 'PUT', { Node: 'node-1', ServiceID: 'consul' }],
      ['/v1/agent/check/register', 'PUT', { Name: 'c', ServiceID: 'consul', TTL: '10s' }],
    ];
    const statuses: [string, number][] = [];
    for (const [path, method, body] of attempts) {
      const response = await fx.http(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      statuses.push([path, response.status]);
    }
    expect(statuses).toEqual([
      ['/v1/agent/service/deregister/consul', 404],
      ['/v1/agent/service/maintenance/consul?enable=true', 404],
      ['/v1/agent/service/register', 400],
      ['/v1/catalog/register', 400],
      ['/v1/catalog/deregister', 400],
      ['/v1/agent/check/register', 400],
    ]);
    expect(rows<{ ServicePort: number }>(await fx.consul.catalog.service.nodes('consul')).map((s) => s.ServicePort)).toEqual([8300]);
  });

  it('comes back unchanged after a restart, without moving the services index', async () => {
    const before = Number((await fx.http('/v1/catalog/services')).headers.get('x-consul-index'));
    await fx.stop({ keepData: true });
    fx = await startFixture({ dataDir: fx.dataDir });
    const after = await fx.http('/v1/catalog/services');
    expect(await after.json()).toEqual({ consul: [] });
    expect(Number(after.headers.get('x-consul-index'))).toBe(before);
  });

  it('turns critical with the rest of the node in node maintenance', async () => {
    await fx.consul.agent.maintenance(true);
    expect(await fx.consul.health.service({ service: 'consul', passing: true })).toEqual([]);
  });
});
