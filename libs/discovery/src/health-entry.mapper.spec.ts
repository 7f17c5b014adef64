import { describe, expect, it } from 'vitest';
import { toInstances, toServiceNames } from './health-entry.mapper.js';

const entry = (id: string, service: Record<string, unknown>, node: Record<string, unknown> = { Node: 'n1', Address: '10.0.0.9' }) => ({
  Node: node,
  Service: { ID: id, Service: 'users', Port: 3001, ...service },
  Checks: [{ CheckID: `service:${id}`, Status: 'passing' }],
});

describe('toInstances', () => {
  it('reads id, address, port, tags and meta-derived fields, sorted by id', () => {
    const instances = toInstances([
      entry('users-b', { Address: '10.0.0.2', Tags: ['blue'], Meta: { 'meshway-transport': 'nats', 'meshway-weight': '5', 'meshway-version': 'v2', 'meshway-service-version': '2.1.0', 'meshway-scheme': 'https' } }),
      entry('users-a', { Address: '10.0.0.1' }),
    ]);
    expect(instances.map((i) => i.id)).toEqual(['users-a', 'users-b']);
    expect(instances[1]).toEqual({
      id: 'users-b',
      service: 'users',
      address: '10.0.0.2',
      port: 3001,
      tags: ['blue'],
      meta: { 'meshway-transport': 'nats', 'meshway-weight': '5', 'meshway-version': 'v2', 'meshway-service-version': '2.1.0', 'meshway-scheme': 'https' },
      transport: 'nats',
      version: 'v2',
      serviceVersion: '2.1.0',
      scheme: 'https',
      weight: 5,
    });
  });

  it('falls back to the node address when the service has none, as Consul DNS does', () => {
    const [instance] = toInstances([entry('users-a', { Address: '' })]);
    expect(instance?.address).toBe('10.0.0.9');
  });

  it('treats null tags and meta (as Consul sends them) as empty', () => {
    const [instance] = toInstances([entry('users-a', { Tags: null, Meta: null })]);
    expect(instance).toMatchObject({ tags: [], meta: {}, transport: 'http', weight: 100 });
  });

  it('rejects a body it cannot read with MESHWAY_REGISTRY_REJECTED naming the field', () => {
    expect(() => toInstances([{ Service: { ID: 'x', Service: 'users', Port: 'eighty' } }])).toThrow(
      expect.objectContaining({ code: 'MESHWAY_REGISTRY_REJECTED', message: expect.stringContaining('0.Service.Port') }),
    );
    expect(() => toInstances({ not: 'a list' })).toThrow(expect.objectContaining({ code: 'MESHWAY_REGISTRY_REJECTED' }));
  });
});

describe('toServiceNames', () => {
  it('returns the sorted names of /v1/catalog/services without the registry\'s own "consul" service', () => {
    expect(toServiceNames({ users: ['blue'], consul: [], orders: null })).toEqual(['orders', 'users']);
  });

  it('rejects a body that is not a name → tags map', () => {
    expect(() => toServiceNames(['users'])).toThrow(expect.objectContaining({ code: 'MESHWAY_REGISTRY_REJECTED' }));
  });
});
