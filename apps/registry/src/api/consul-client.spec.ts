import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

/** The real `consul` npm client (2.x) is the caller: if it is happy, Consul's shapes are right. */
describe('the registry through the consul npm client', () => {
  let fx: RegistryFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  it('registers services and lists them in the catalog with their tags', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 8080, tags: ['v1', 'http'], meta: { 'meshway-transport': 'http' } });
    await fx.consul.agent.service.register({ name: 'web', id: 'web-2', port: 8081, tags: ['v2'] });
    await fx.consul.agent.service.register({ name: 'billing', port: 9000 });
    expect(await fx.consul.catalog.service.list()).toEqual({ billing: [], consul: [], web: ['http', 'v1', 'v2'] });
    const instances = await fx.consul.catalog.service.nodes('web');
    expect(rows<{ ServiceID: string; ServicePort: number }>(instances).map((s) => [s.ServiceID, s.ServicePort])).toEqual([['web-1', 8080], ['web-2', 8081]]);
    const agentServices: Record<string, unknown> = await fx.consul.agent.service.list();
    expect(agentServices['web-1']).toMatchObject({ ID: 'web-1', Service: 'web', Port: 8080, Tags: ['v1', 'http'], Meta: { 'meshway-transport': 'http' } });
    expect(Object.keys(agentServices).sort()).toEqual(['billing', 'web-1', 'web-2']);
  });

  it('treats a service without checks as passing through the node serfHealth check', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 80 });
    const entries = await fx.consul.health.service({ service: 'web', passing: true });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Node: { Node: 'node-1', Address: '127.0.0.1' }, Service: { ID: 'web-1', Port: 80 } });
    expect((entries[0].Checks as { CheckID: string; Status: string }[]).map((c) => [c.CheckID, c.Status])).toEqual([['serfHealth', 'passing']]);
  });

  it('starts a new check critical, and ?passing drops the instance until the check passes', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 80, check: { ttl: '30s' } });
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toEqual([]);
    const all = await fx.consul.health.service('web');
    expect((all[0].Checks as { CheckID: string }[]).find((c) => c.CheckID === 'service:web-1')).toMatchObject({ Status: 'critical', Type: 'ttl', ServiceName: 'web' });
    await fx.consul.agent.check.pass({ id: 'service:web-1', note: 'ok' });
    const passing = await fx.consul.health.service({ service: 'web', passing: true });
    expect(passing).toHaveLength(1);
    expect(passing[0].Checks[1]).toMatchObject({ CheckID: 'service:web-1', Status: 'passing', Output: 'ok' });
  });

  it('drops a warning instance from ?passing too, and keeps it in the unfiltered answer', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 80, check: { ttl: '30s' } });
    await fx.consul.agent.check.warn('service:web-1');
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toEqual([]);
    expect(await fx.consul.health.service('web')).toHaveLength(1);
    expect(rows<{ CheckID: string }>(await fx.consul.health.state('warning')).map((c) => c.CheckID)).toEqual(['service:web-1']);
  });

  it('filters by tag in catalog and health answers', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', tags: ['blue'] });
    await fx.consul.agent.service.register({ name: 'web', id: 'web-2', tags: ['green'] });
    const blue = await fx.consul.health.service({ service: 'web', tag: 'blue' });
    expect(rows<{ Service: { ID: string } }>(blue).map((e) => e.Service.ID)).toEqual(['web-1']);
    const green = await fx.consul.catalog.service.nodes({ service: 'web', tag: 'green' });
    expect(rows<{ ServiceID: string }>(green).map((s) => s.ServiceID)).toEqual(['web-2']);
  });

  it('deregisters a service with its checks', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', check: { ttl: '30s' } });
    await fx.consul.agent.service.deregister('web-1');
    expect(await fx.consul.catalog.service.list()).toEqual({ consul: [] });
    expect(await fx.consul.agent.check.list()).toEqual({});
  });

  it('puts a service into maintenance (out of ?passing) and back', async () => {
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1' });
    await fx.consul.agent.service.maintenance({ id: 'web-1', enable: true, reason: 'deploy' });
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toEqual([]);
    const checks = await fx.consul.health.checks('web');
    expect(checks).toEqual([expect.objectContaining({ CheckID: '_service_maintenance:web-1', Status: 'critical', Notes: 'deploy' })]);
    await fx.consul.agent.service.maintenance({ id: 'web-1', enable: false });
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toHaveLength(1);
  });

  it('answers status leader and peers as a single-server cluster', async () => {
    expect(await fx.consul.status.leader()).toBe('127.0.0.1:8300');
    expect(await fx.consul.status.peers()).toEqual(['127.0.0.1:8300']);
  });

  it('answers agent self and members with this node', async () => {
    const self = await fx.consul.agent.self();
    expect(self.Config).toMatchObject({ Datacenter: 'dc1', NodeName: 'node-1', Server: true });
    expect(await fx.consul.agent.members()).toEqual([expect.objectContaining({ Name: 'node-1', Status: 1 })]);
    expect(await fx.consul.catalog.datacenters()).toEqual(['dc1']);
  });

  it('registers and deregisters external nodes through the catalog', async () => {
    await fx.consul.catalog.register({
      node: 'ext-1',
      address: '10.0.0.5',
      service: { service: 'db', id: 'db-1', port: 5432, tags: ['primary'] },
      check: { name: 'db alive', serviceid: 'db-1', status: 'passing' },
    });
    expect(rows<{ Node: string }>(await fx.consul.catalog.node.list()).map((n) => n.Node)).toEqual(['ext-1', 'node-1']);
    const node = await fx.consul.catalog.node.services('ext-1');
    expect(node.Services['db-1']).toMatchObject({ Service: 'db', Port: 5432 });
    const healthy = await fx.consul.health.service({ service: 'db', passing: true });
    expect(healthy[0]).toMatchObject({ Node: { Node: 'ext-1', Address: '10.0.0.5' }, Checks: [{ CheckID: 'db alive', Status: 'passing' }] });
    expect(rows<{ CheckID: string }>(await fx.consul.health.node('ext-1')).map((c) => c.CheckID)).toEqual(['db alive']);
    await fx.consul.catalog.deregister('ext-1');
    expect(await fx.consul.catalog.service.list()).toEqual({ consul: [] });
    expect(await (await fx.http('/v1/catalog/node/ext-1')).text()).toBe('null');
  });
});
