import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import type { OpenApiDocument } from './openapi.merger.js';

/** A service publishing an OpenAPI 3.0 document the way @nestjs/swagger does, with a `User` schema of its own. */
async function documentedService(title: string, paths: Record<string, unknown>): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify();
  const doc = { openapi: '3.0.0', info: { title, version: '1.0.0' }, paths, components: { schemas: { User: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } } };
  app.get('/openapi.json', () => doc);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as { port: number }).port };
}

const getUser = { get: { operationId: 'getUser', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'the user', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } } } } };

describe('one OpenAPI document for every routed service, and the docs page', () => {
  const discovery = new StaticDiscovery();
  const apps: FastifyInstance[] = [];
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    const users = await documentedService('users', { '/users/{id}': getUser, '/users': { post: { operationId: 'createUser', responses: { '201': { description: 'created' } } } }, '/internal/debug': { get: { responses: { '200': { description: 'not routed' } } } } });
    const orders = await documentedService('orders', { '/orders/{id}': { get: { ...getUser.get, operationId: 'getOrder' } } });
    apps.push(users.app, orders.app);
    discovery.set('users', [{ address: '127.0.0.1', port: users.port }]);
    discovery.set('orders', [{ address: '127.0.0.1', port: orders.port }]);
    gateway = await startGateway({
      discovery, port: 0, adminPort: 0,
      routes: [
        { path: '/api/users/*', service: 'users', stripPrefix: '/api' },
        { path: '/api/orders/:id', methods: ['GET'], service: 'orders', stripPrefix: '/api' },
        { path: '/legacy/*', service: 'legacy' },
      ],
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser.close();
    await gateway.close();
    await Promise.all(apps.map((app) => app.close()));
  });

  const documentNow = async (): Promise<OpenApiDocument> => (await send(`${gateway.url}/openapi.json`)).json<OpenApiDocument>();

  it('shows each service\'s operations at the paths the gateway exposes, with namespaced schemas', async () => {
    const doc = await documentNow();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual(['/api/orders/{id}', '/api/users', '/api/users/{id}', '/legacy/{path}']);
    expect(doc.paths?.['/api/users/{id}']?.get).toMatchObject({ operationId: 'users.getUser', tags: ['users'], responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/users.User' } } } } } });
    expect(doc.paths?.['/api/orders/{id}']?.get).toMatchObject({ operationId: 'orders.getOrder', tags: ['orders'] });
    expect(Object.keys(doc.components?.schemas ?? {}).sort()).toEqual(['orders.User', 'users.User']);
    expect(doc.paths?.['/legacy/{path}']?.get).toMatchObject({ description: 'legacy publishes no API description.' });
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const document: Record<string, unknown> = { ...(await documentNow()) };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('shows a service registered while the gateway runs, in the document and on the docs page in a browser', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${gateway.url}/docs`);
    await page.getByText('/api/users/{id}').first().waitFor({ timeout: 15_000 });
    const billing = await documentedService('billing', { '/billing/invoices/{id}': { get: { ...getUser.get, operationId: 'getInvoice' } } });
    apps.push(billing.app);
    discovery.set('billing', [{ address: '127.0.0.1', port: billing.port, meta: { 'meshway-routes': 'GET /api/billing/*', 'meshway-strip-prefix': '/api' } }]);
    await expect.poll(async () => Object.keys((await documentNow()).paths ?? {}), { timeout: 5_000 }).toContain('/api/billing/invoices/{id}');
    await page.reload();
    await page.getByText('/api/billing/invoices/{id}').first().waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
