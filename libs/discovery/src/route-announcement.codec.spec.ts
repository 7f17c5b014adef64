import { describe, expect, it } from 'vitest';
import { decodeRoutes, encodeRoutes } from './route-announcement.codec.js';

describe('route announcements in registry meta', () => {
  it('round-trips methods, parameters, wildcards and NATS subjects', () => {
    const routes = [
      { methods: ['GET', 'POST'] as const, path: '/api/users' },
      { methods: [] as const, path: '/api/users/*' },
      { methods: ['GET'] as const, path: '/api/orders/:id', subject: 'orders.get' },
    ];
    const value = encodeRoutes(routes);
    expect(value).toBe('GET,POST /api/users;* /api/users/*;GET /api/orders/:id orders.get');
    expect(decodeRoutes(value)).toEqual(routes);
  });

  it('reads an empty value as no routes', () => {
    expect(decodeRoutes('')).toEqual([]);
  });

  it.each([
    ['GET api/users', 'path must start with "/"'],
    ['FETCH /api/users', 'unknown method "FETCH"'],
    ['GET /api/*/users', '"*" may only be the last segment'],
    ['GET /api/users orders.>', 'bad NATS subject'],
    ['GET', 'expected "METHODS PATH [SUBJECT]"'],
    ['GET /a b c', 'expected "METHODS PATH [SUBJECT]"'],
  ])('rejects %j with a message that says why', (value, why) => {
    expect(() => decodeRoutes(value)).toThrow(why);
    try {
      decodeRoutes(value);
    } catch (error) {
      expect(error).toMatchObject({ code: 'MESHWAY_INVALID_ROUTE_ANNOUNCEMENT' });
    }
  });

  it('refuses to encode more than a registry meta value holds', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ methods: ['GET'] as const, path: `/api/resource-number-${i}` }));
    expect(() => encodeRoutes(many)).toThrow(/at most 512/);
  });
});
