import { describe, expect, it } from 'vitest';
import { resolveServiceOptions, type ServiceOptions } from './service.options.js';

const base: ServiceOptions = { name: 'billing', version: '1.2.3', transport: 'http' };

describe('resolveServiceOptions', () => {
  it('fills defaults: no routes, no strip prefix', () => {
    expect(resolveServiceOptions(base)).toEqual({ name: 'billing', version: '1.2.3', transport: 'http', routes: [], stripPrefix: undefined });
  });

  it('keeps valid routes and prefix', () => {
    const routes = [{ methods: ['POST'] as const, path: '/api/billing/echo', subject: 'billing.echo' }];
    expect(resolveServiceOptions({ ...base, transport: 'nats', routes, stripPrefix: '/api' })).toMatchObject({ routes, stripPrefix: '/api' });
  });

  it.each([
    ['name', { name: 'Billing!' }, /name="Billing!": expected lower-case kebab case/],
    ['name', { name: '' }, /name="": expected lower-case kebab case/],
    ['version', { version: ' ' }, /version=" ": expected a non-empty string/],
    ['transport', { transport: 'smtp' }, /transport="smtp": expected one of http, nats/],
    ['stripPrefix', { stripPrefix: 'api' }, /stripPrefix="api": expected a path prefix like "\/api"/],
    ['stripPrefix', { stripPrefix: '/api/' }, /stripPrefix="\/api\/"/],
    ['routes', { routes: [{ methods: [], path: 'api/x' }] }, /routes=.*expected valid route announcements .*path must start with "\/"/],
  ])('rejects a bad %s, naming the option, the value and what is allowed', (_option, patch, message) => {
    const options = { ...base, ...patch } as ServiceOptions;
    expect(() => resolveServiceOptions(options)).toThrow(message);
    expect(() => resolveServiceOptions(options)).toThrow(expect.objectContaining({ code: 'MESHWAY_SERVICE_INVALID_OPTIONS' }));
  });
});
