import { waitFor } from '@meshway/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

interface Check {
  readonly CheckID: string;
  readonly Name: string;
  readonly Status: string;
  readonly Notes: string;
  readonly ServiceID: string;
}

const index = (response: Response): number => Number(response.headers.get('x-consul-index'));

/** Node and service maintenance through the consul npm client, as in its acceptance tests. */
describe('maintenance mode', () => {
  let fx: RegistryFixture;
  beforeEach(async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 80 });
    await fx.consul.agent.service.register({ name: 'api', id: 'api-1', port: 81 });
  });
  afterEach(async () => {
    await fx.stop();
  });

  it('puts the node into maintenance with a critical _node_maintenance check, and takes it out', async () => {
    expect(await fx.consul.agent.checks()).not.toHaveProperty('_node_maintenance');
    await fx.consul.agent.maintenance({ enable: true, reason: 'kernel upgrade' });
    const checks: Record<string, Check> = await fx.consul.agent.checks();
    expect(checks['_node_maintenance']).toMatchObject({ Name: 'Node Maintenance Mode', Status: 'critical', Notes: 'kernel upgrade', ServiceID: '' });
    await fx.consul.agent.maintenance(false);
    expect(await fx.consul.agent.checks()).not.toHaveProperty('_node_maintenance');
  });

  it('makes every service on the node critical: ?passing answers nothing until maintenance ends', async () => {
    await fx.consul.agent.maintenance(true);
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toEqual([]);
    expect(await fx.consul.health.service({ service: 'api', passing: true })).toEqual([]);
    const [entry] = rows<{ Checks: Check[] }>(await fx.consul.health.service('web'));
    expect(entry?.Checks.map((c) => [c.CheckID, c.Status])).toEqual([['_node_maintenance', 'critical'], ['serfHealth', 'passing']]);
    await fx.consul.agent.maintenance(false);
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toHaveLength(1);
  });

  it('uses Consul’s default note without a reason, and keeps the first reason when enabled twice', async () => {
    await fx.consul.agent.maintenance(true);
    const notes = async (): Promise<string | undefined> => ((await fx.consul.agent.checks()) as Record<string, Check>)['_node_maintenance']?.Notes;
    expect(await notes()).toBe('Maintenance mode is enabled for this node, but no reason was provided. This is a default message.');
    const before = index(await fx.http('/v1/agent/checks'));
    await fx.consul.agent.maintenance({ enable: true, reason: 'second' });
    expect(await notes()).toBe('Maintenance mode is enabled for this node, but no reason was provided. This is a default message.');
    expect(index(await fx.http('/v1/agent/checks'))).toBe(before);
  });

  it('wakes a blocking ?passing query of every service on the node', async () => {
    const now = index(await fx.http('/v1/health/service/web?passing'));
    const blocked = fx.consul.health.service({ service: 'web', passing: true, index: String(now), wait: '30s' });
    await waitFor(() => fx.registry.state.feed.size >= 1, { intervalMs: 10, message: 'the query parked' });
    await fx.consul.agent.maintenance({ enable: true, reason: 'drain' });
    expect(await blocked).toEqual([]);
  });

  it('keeps maintenance across a restart (the check is durable like any other)', async () => {
    await fx.consul.agent.maintenance({ enable: true, reason: 'rack move' });
    await fx.stop({ keepData: true });
    fx = await startFixture({ dataDir: fx.dataDir });
    expect(((await fx.consul.agent.checks()) as Record<string, Check>)['_node_maintenance']).toMatchObject({ Status: 'critical', Notes: 'rack move' });
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toEqual([]);
  });

  it('refuses a missing or malformed ?enable, as Consul', async () => {
    const missing = await fx.http('/v1/agent/maintenance', { method: 'PUT' });
    expect([missing.status, await missing.text()]).toEqual([400, 'Missing value for enable']);
    const bad = await fx.http('/v1/agent/maintenance?enable=soon', { method: 'PUT' });
    expect([bad.status, await bad.text()]).toEqual([400, 'Invalid value for ?enable: "soon" is not a boolean']);
    expect((await fx.http('/v1/agent/maintenance?enable=true', { method: 'GET' })).status).toBe(405);
  });

  it('puts one service into maintenance with _service_maintenance:<id>, leaving the others passing', async () => {
    await fx.consul.agent.service.maintenance({ id: 'web-1', enable: true });
    const checks: Record<string, Check> = await fx.consul.agent.checks();
    expect(checks['_service_maintenance:web-1']).toMatchObject({
      Name: 'Service Maintenance Mode',
      Status: 'critical',
      ServiceID: 'web-1',
      Notes: 'Maintenance mode is enabled for this service, but no reason was provided. This is a default message.',
    });
    expect(await fx.consul.health.service({ service: 'web', passing: true })).toEqual([]);
    expect(await fx.consul.health.service({ service: 'api', passing: true })).toHaveLength(1);
    await fx.consul.agent.service.maintenance({ id: 'web-1', enable: false });
    expect(await fx.consul.agent.checks()).not.toHaveProperty('_service_maintenance:web-1');
  });
});
