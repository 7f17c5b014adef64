import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

/** Every JSON answer, from any endpoint family, says so the way Consul does: exactly `application/json`. */
const JSON_READS = [
  '/v1/status/leader',
  '/v1/status/peers',
  '/v1/agent/self',
  '/v1/agent/members',
  '/v1/agent/services',
  '/v1/agent/checks',
  '/v1/catalog/datacenters',
  '/v1/catalog/nodes',
  '/v1/catalog/services',
  '/v1/catalog/service/web',
  '/v1/health/service/web',
  '/v1/health/state/any',
  '/v1/kv/cfg?recurse',
  '/v1/session/list',
  '/health',
];

describe('Content-Type', () => {
  let fx: RegistryFixture;
  beforeAll(async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1' });
    await fx.consul.kv.set('cfg/a', '1');
  });
  afterAll(async () => {
    await fx.stop();
  });

  it.each(JSON_READS)('GET %s is application/json, without a charset parameter', async (path) => {
    const response = await fx.http(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await response.json();
  });

  it('is application/json on JSON write answers, and absent on empty ones (as Consul)', async () => {
    const kv = await fx.http('/v1/kv/cfg/b', { method: 'PUT', body: '2' });
    expect([kv.headers.get('content-type'), await kv.text()]).toEqual(['application/json', 'true']);
    const register = await fx.http('/v1/agent/service/register', { method: 'PUT', body: '{"Name":"api"}' });
    expect([register.status, register.headers.get('content-type'), await register.text()]).toEqual([200, null, '']);
  });

  it('is text/plain on errors, whose bodies are plain-text reasons', async () => {
    const response = await fx.http('/v1/agent/service/register', { method: 'PUT', body: '{' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });
});
