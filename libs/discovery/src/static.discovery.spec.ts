import { describe, expect, it } from 'vitest';
import type { DiscoverySnapshot } from './discovery.source.js';
import { StaticDiscovery } from './static.discovery.js';

describe('StaticDiscovery', () => {
  it('resolves the instances it was given, reading transport, version and weight from meta', async () => {
    const discovery = new StaticDiscovery([
      { service: 'orders', address: '127.0.0.1', port: 4001, meta: { 'meshway-transport': 'nats', 'meshway-version': 'v2', 'meshway-weight': '10' } },
      { service: 'users', address: '127.0.0.1', port: 3001 },
    ]);
    const [orders] = await discovery.resolve('orders');
    expect(orders).toMatchObject({ service: 'orders', transport: 'nats', version: 'v2', weight: 10, id: 'orders-127.0.0.1-4001' });
    const [users] = await discovery.resolve('users');
    expect(users).toMatchObject({ transport: 'http', version: undefined, weight: 100 });
    expect(await discovery.services()).toEqual(['orders', 'users']);
    expect(await discovery.resolve('nobody')).toEqual([]);
  });

  it('tells watchers the current instances, then every change, until unsubscribed', () => {
    const discovery = new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: 3001 }]);
    const seen: number[] = [];
    const stop = discovery.watch('users', (s: DiscoverySnapshot) => seen.push(s.instances.length));
    discovery.set('users', [{ address: '127.0.0.1', port: 3001 }, { address: '127.0.0.1', port: 3002 }]);
    stop();
    discovery.set('users', []);
    expect(seen).toEqual([1, 2]);
  });

  it('tells service watchers when a service appears or goes', () => {
    const discovery = new StaticDiscovery();
    const seen: string[][] = [];
    discovery.watchServices((names) => seen.push([...names]));
    discovery.set('users', [{ address: '127.0.0.1', port: 3001 }]);
    discovery.set('users', [{ address: '127.0.0.1', port: 3002 }]);
    discovery.set('users', []);
    expect(seen).toEqual([[], ['users'], []]);
  });
});
