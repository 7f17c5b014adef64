import { describe, expect, it } from 'vitest';
import { mergeOpenApi, type DocumentedRoute, type OpenApiDocument } from './openapi.merger.js';

/** What `@meshway/service` publishes for a NATS service: its announced routes, each operation marked with its subject. */
const orders: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'orders', version: '1.0.0' },
  paths: {
    '/orders': {
      post: { operationId: 'orders.create', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateOrder' } } } }, responses: { '201': { description: 'Created' } }, 'x-meshway-subject': 'orders.create' },
      get: { operationId: 'orders.list', responses: { '200': { description: 'OK' } }, 'x-meshway-subject': 'orders.list' },
    },
    '/orders/{id}': { get: { operationId: 'orders.get', responses: { '200': { description: 'OK' } }, 'x-meshway-subject': 'orders.get' } },
  },
  components: { schemas: { CreateOrder: { type: 'object' } } },
};

const nats = (methods: string[], path: string, subject: string, stripPrefix: string | null = '/api'): DocumentedRoute => ({ methods, path, service: 'orders', stripPrefix, transport: 'nats', subject });
const info = { title: 'Meshway gateway', version: '1.0.0' };

describe('mergeOpenApi with NATS services', () => {
  it('puts each announced NATS route\'s operation at the gateway path, keeping its subject and its own operationId', () => {
    const doc = mergeOpenApi([nats(['POST'], '/api/orders', 'orders.create'), nats(['GET'], '/api/orders', 'orders.list'), nats(['GET'], '/api/orders/:id', 'orders.get')], new Map([['orders', orders]]), info);
    expect(Object.keys(doc.paths ?? {})).toEqual(['/api/orders', '/api/orders/{id}']);
    expect(doc.paths?.['/api/orders']?.post).toMatchObject({
      operationId: 'orders.create',
      tags: ['orders'],
      'x-meshway-subject': 'orders.create',
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/orders.CreateOrder' } } } },
    });
    expect(doc.paths?.['/api/orders']?.get).toMatchObject({ operationId: 'orders.list', 'x-meshway-subject': 'orders.list' });
    expect(doc.tags).toEqual([{ name: 'orders', description: 'orders' }]);
  });

  it('shows only the operation of the route\'s own subject where one path has several', () => {
    const doc = mergeOpenApi([nats(['*'], '/api/orders', 'orders.list')], new Map([['orders', orders]]), info);
    expect(Object.keys(doc.paths?.['/api/orders'] ?? {})).toEqual(['get']);
  });

  it('finds a routes-file route to a subject by the subject when its path is not the announced one', () => {
    const doc = mergeOpenApi([nats(['POST'], '/v2/checkout', 'orders.create', null)], new Map([['orders', orders]]), info);
    expect(doc.paths?.['/v2/checkout']?.post).toMatchObject({ operationId: 'orders.create', 'x-meshway-subject': 'orders.create' });
  });

  it('lists a NATS route whose subject the service does not describe as undocumented', () => {
    const doc = mergeOpenApi([nats(['DELETE'], '/api/orders/:id', 'orders.cancel')], new Map([['orders', orders]]), info);
    expect(doc.paths?.['/api/orders/{id}']?.delete).toMatchObject({ description: 'orders publishes no API description.' });
  });
});
