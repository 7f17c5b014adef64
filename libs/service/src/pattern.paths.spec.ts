import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorBodySchema } from './error-body.schema.js';
import type { PatternDocOptions } from './pattern-doc.decorator.js';
import { patternPaths } from './pattern.paths.js';

const item = z.object({ sku: z.string(), qty: z.number().int().min(1) });
const order = z.object({ id: z.string(), items: z.array(item) }).meta({ id: 'PatternPathsOrder' });

describe('patternPaths: NATS routes as path items', () => {
  it('puts each announced route at the path the gateway forwards, described by its @PatternDoc and marked with its subject', () => {
    const docs = new Map<string, PatternDocOptions>([
      ['orders.create', { summary: 'Create an order', body: z.object({ items: z.array(item).min(1) }), responses: { 201: order, 422: errorBodySchema } }],
      ['orders.list', { query: z.object({ userId: z.string().optional(), limit: z.coerce.number().int() }), responses: { 200: z.array(order) } }],
      ['orders.get', { params: z.object({ id: z.string().regex(/^\d+$/) }), responses: { 200: order, 404: errorBodySchema } }],
    ]);
    const { paths, schemas } = patternPaths(
      [
        { methods: ['POST'], path: '/api/orders', subject: 'orders.create' },
        { methods: ['GET'], path: '/api/orders', subject: 'orders.list' },
        { methods: ['GET'], path: '/api/orders/:id', subject: 'orders.get' },
      ],
      '/api',
      docs,
    );
    expect(Object.keys(paths)).toEqual(['/orders', '/orders/{id}']);
    expect(paths['/orders']?.post).toEqual({
      operationId: 'orders.create',
      summary: 'Create an order',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { items: expect.objectContaining({ type: 'array', minItems: 1 }) }, required: ['items'] } } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/PatternPathsOrder' } } } },
        422: { description: 'Unprocessable Entity', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
      },
      'x-meshway-subject': 'orders.create',
    });
    expect(paths['/orders']?.get?.parameters).toEqual([
      { name: 'userId', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: true, schema: expect.objectContaining({ type: 'integer' }) },
    ]);
    expect(paths['/orders/{id}']?.get?.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } }]);
    expect(Object.keys(schemas).sort()).toEqual(['ErrorBody', 'PatternPathsOrder']);
    expect(schemas.PatternPathsOrder).toMatchObject({ type: 'object', required: ['id', 'items'] });
  });

  it('describes a subject without @PatternDoc by its subject, a route without methods as the usual five, a final * as {path}', () => {
    const { paths } = patternPaths([{ methods: [], path: '/files/*', subject: 'files.any' }], undefined, new Map());
    const item = paths['/files/{path}'];
    expect(Object.keys(item ?? {})).toEqual(['get', 'post', 'put', 'patch', 'delete']);
    expect(item?.get).toEqual({
      operationId: 'files.any',
      summary: 'files.any',
      parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' }, description: 'The rest of the path.' }],
      responses: { default: { description: 'The handler\'s reply.' } },
      'x-meshway-subject': 'files.any',
    });
    expect(item?.post?.operationId).toBe('files.any.post');
  });

  it('leaves routes without a subject (an HTTP controller\'s) to @nestjs/swagger; an optional body is not required', () => {
    const { paths } = patternPaths(
      [{ methods: [], path: '/api/users/*' }, { methods: ['PUT'], path: '/api/prefs', subject: 'prefs.set' }],
      '/api',
      new Map([['prefs.set', { body: z.object({ theme: z.string() }).optional(), responses: { 204: null } }]]),
    );
    expect(Object.keys(paths)).toEqual(['/prefs']);
    expect(paths['/prefs']?.put).toMatchObject({ requestBody: { required: false }, responses: { 204: { description: 'No Content' } } });
    expect(paths['/prefs']?.put?.responses[204]).not.toHaveProperty('content');
  });
});
