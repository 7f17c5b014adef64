import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry } from '../registry.server.js';
import { startFixture, tempDataDir, type RegistryFixture } from '../spec/registry.fixture.js';

const TOKEN = 's3cret-token';

describe('ACL token', () => {
  let fx: RegistryFixture;
  beforeAll(async () => {
    fx = await startFixture({ aclToken: TOKEN });
  });
  afterAll(async () => {
    await fx.stop();
  });

  it.each([
    ['GET', '/v1/catalog/services'],
    ['PUT', '/v1/agent/service/register'],
    ['GET', '/v1/kv/a'],
    ['GET', '/v1/no-such-endpoint'],
    ['GET', '/ui'],
  ])('refuses %s %s without the token: 403 Permission denied', async (method, path) => {
    const response = await fx.http(path, { method, ...(method === 'PUT' ? { body: '{"Name":"x"}' } : {}) });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Permission denied');
  });

  it('refuses a wrong token', async () => {
    const response = await fx.http('/v1/catalog/services', { headers: { 'X-Consul-Token': 'guess' } });
    expect(response.status).toBe(403);
  });

  it.each([
    ['X-Consul-Token header', '/v1/catalog/services', { 'X-Consul-Token': TOKEN }],
    ['?token= query', `/v1/catalog/services?token=${TOKEN}`, {}],
    ['Authorization: Bearer', '/v1/catalog/services', { Authorization: `Bearer ${TOKEN}` }],
  ])('accepts the token in the %s', async (_how, path, headers) => {
    const response = await fx.http(path, { headers });
    expect(response.status).toBe(200);
  });

  it('works for the consul client configured with the token', async () => {
    await fx.consul.agent.service.register({ name: 'secure', port: 1 });
    expect(await fx.consul.catalog.service.list()).toHaveProperty('secure');
  });

  it('leaves the /health probe open (it reveals nothing)', async () => {
    const response = await fx.http('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});

describe('without an ACL token', () => {
  it('refuses to listen beyond loopback, saying why', async () => {
    const dataDir = tempDataDir();
    try {
      await expect(startRegistry({ dataDir, port: 0, host: '0.0.0.0' })).rejects.toMatchObject({
        code: 'MESHWAY_REGISTRY_OPEN_NON_LOOPBACK',
        message: expect.stringContaining('REGISTRY_ACL_TOKEN'),
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('serves anyone on loopback', async () => {
    const fx = await startFixture();
    try {
      expect((await fx.http('/v1/catalog/services')).status).toBe(200);
    } finally {
      await fx.stop();
    }
  });
});
