import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@meshway/testing';
import { Platform } from '../support/platform.js';
import { json, send } from '../support/http.js';

// The whole platform in real processes: registry, users ×3 (HTTP), orders (NATS), gateway.
describe('platform end to end: gateway → services over HTTP and NATS, orders → users', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ services: { users: 3, orders: 1 } });
    // Services announce their routes; the gateway learns them from the registry.
    await waitFor(async () => (await send(`${platform.gatewayUrl}/api/users`)).status === 200, { timeoutMs: 30_000, message: 'gateway routes /api/users' });
    await waitFor(async () => (await send(`${platform.gatewayUrl}/api/orders`)).status === 200, { timeoutMs: 30_000, message: 'gateway routes /api/orders' });
  }, 240_000);

  afterAll(async () => {
    await platform.stop();
  });

  it('registers every instance, passing, in the registry', async () => {
    const users = await json<unknown[]>(`${platform.registryUrl}/v1/health/service/users?passing`);
    const orders = await json<unknown[]>(`${platform.registryUrl}/v1/health/service/orders?passing`);
    expect(users.body).toHaveLength(3);
    expect(orders.body).toHaveLength(1);
  });

  it('routes HTTP requests to users, keeping the request id', async () => {
    const response = await send(`${platform.gatewayUrl}/api/users/1`, { headers: { 'x-request-id': 'e2e-req-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('e2e-req-1');
    expect(await response.json()).toEqual({ id: '1', name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('passes a service\'s validation errors through unchanged (400 with field errors)', async () => {
    const response = await send(`${platform.gatewayUrl}/api/users`, { method: 'POST', json: { name: '', email: 'nope' } });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'name' }, { field: 'email' }] });
  });

  it('balances across the three users instances (instance ids as /info reports them)', async () => {
    const ids = new Set<string>();
    for (const instance of platform.instances('users')) ids.add((await json<{ instance: string }>(`${instance.url}/info`)).body.instance);
    expect(ids.size).toBe(3);
    const seen = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const response = await send(`${platform.gatewayUrl}/api/users`);
      expect(response.status).toBe(200);
      const instance = response.headers.get('x-meshway-instance') ?? 'missing';
      seen.set(instance, (seen.get(instance) ?? 0) + 1);
    }
    expect(new Set(seen.keys())).toEqual(ids);
    for (const count of seen.values()) expect(count).toBeGreaterThanOrEqual(5);
  });

  it('turns an HTTP request into a NATS request to orders, which checks the user through users', async () => {
    const created = await send(`${platform.gatewayUrl}/api/orders`, { method: 'POST', json: { userId: '1', items: [{ sku: 'book', qty: 2 }] } });
    expect(created.status).toBe(201);
    const order = await created.json();
    expect(order).toMatchObject({ userId: '1', items: [{ sku: 'book', qty: 2 }] });
    const fetched = await send(`${platform.gatewayUrl}/api/orders/${order.id}`);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(order);
  });

  it('answers 422 when the order names a user that does not exist', async () => {
    const response = await send(`${platform.gatewayUrl}/api/orders`, { method: 'POST', json: { userId: '999', items: [{ sku: 'book', qty: 1 }] } });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe('USER_NOT_FOUND');
  });

  it('answers 400 for invalid JSON sent to a NATS route, and 404 for an unknown order', async () => {
    const bad = await send(`${platform.gatewayUrl}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":' });
    expect(bad.status).toBe(400);
    const missing = await send(`${platform.gatewayUrl}/api/orders/no-such-order`);
    expect(missing.status).toBe(404);
  });

  it('stops picking a deregistered instance within 1 s', async () => {
    const [first] = platform.instances('users');
    const id = (await json<{ instance: string }>(`${first!.url}/info`)).body.instance;
    const deregistered = await send(`${platform.registryUrl}/v1/agent/service/deregister/${encodeURIComponent(id)}`, { method: 'PUT' });
    expect(deregistered.status).toBe(200);
    const since = Date.now();
    await waitFor(async () => {
      const picks = await Promise.all(Array.from({ length: 6 }, () => send(`${platform.gatewayUrl}/api/users`)));
      return picks.every((r) => r.headers.get('x-meshway-instance') !== id);
    }, { timeoutMs: 5_000, intervalMs: 50 });
    expect(Date.now() - since).toBeLessThan(1_000);
  });

  it('stops picking a killed instance within 1 s, and no client sees an error', async () => {
    const victim = platform.instances('users')[1]!;
    const id = (await json<{ instance: string }>(`${victim.url}/info`)).body.instance;
    await victim.process.kill('SIGKILL');
    const since = Date.now();
    const statuses: number[] = [];
    while (Date.now() - since < 1_500) {
      const response = await send(`${platform.gatewayUrl}/api/users`);
      statuses.push(response.status);
      if (Date.now() - since > 1_000) expect(response.headers.get('x-meshway-instance')).not.toBe(id);
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
