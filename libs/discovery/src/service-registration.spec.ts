import { describe, expect, it } from 'vitest';
import { durationMs } from './consul-duration.js';
import { buildRegistration, toAgentRegistration, type RegistrationInput } from './service-registration.js';

const base: RegistrationInput = { name: 'users', id: 'users-host-3001-beef', address: '127.0.0.1', port: 3001 };

describe('buildRegistration', () => {
  it('writes every meshway meta key from the service description', () => {
    const registration = buildRegistration({
      ...base,
      transport: 'nats',
      apiVersion: 'v2',
      serviceVersion: '1.4.0',
      weight: 10,
      routes: [{ methods: ['GET'], path: '/api/users/:id', subject: 'users.get' }],
      stripPrefix: '/api',
      tags: ['canary'],
      meta: { team: 'identity' },
    });
    expect(registration.meta).toEqual({
      team: 'identity',
      'meshway-transport': 'nats',
      'meshway-weight': '10',
      'meshway-version': 'v2',
      'meshway-service-version': '1.4.0',
      'meshway-routes': 'GET /api/users/:id users.get',
      'meshway-strip-prefix': '/api',
    });
    expect(registration.tags).toEqual(['canary']);
  });

  it('defaults to http transport, weight 100 and an HTTP /health check every 5 s, deregistered after 1 m critical', () => {
    const registration = buildRegistration(base);
    expect(registration.meta).toEqual({ 'meshway-transport': 'http', 'meshway-weight': '100' });
    expect(registration.check).toEqual({ http: 'http://127.0.0.1:3001/health', interval: '5s', timeout: '2s', deregisterCriticalServiceAfter: '1m' });
  });

  it('brackets an IPv6 address in the health check URL', () => {
    expect(buildRegistration({ ...base, address: '::1' }).check).toMatchObject({ http: 'http://[::1]:3001/health' });
  });

  it('uses a 10 s TTL heartbeat for check "ttl"', () => {
    expect(buildRegistration({ ...base, check: 'ttl', deregisterCriticalServiceAfter: '30s' }).check).toEqual({ ttl: '10s', deregisterCriticalServiceAfter: '30s' });
  });

  it.each([
    [{ name: 'users api' }, /"name": got "users api"/],
    [{ id: 'a/b' }, /"id": got "a\/b"/],
    [{ port: 0 }, /"port": got 0; allowed: an integer from 1 to 65535/],
    [{ weight: -1 }, /"weight": got -1/],
    [{ transport: 'grpc' }, /"transport": got "grpc"; allowed: "http" or "nats"/],
    [{ stripPrefix: 'api' }, /"stripPrefix": got "api"/],
    [{ check: { ttl: 'ten seconds' } }, /"check.ttl": got "ten seconds"/],
    [{ check: { http: 'http://x/health', interval: '5' } }, /"check.interval": got "5"/],
    [{ meta: { 'bad key!': 'x' } }, /"meta key": got "bad key!"/],
    [{ meta: { long: 'x'.repeat(513) } }, /"meta.long"/],
    [{ routes: [{ methods: ['GET'], path: 'users' }] }, /path must start with "\/"/],
  ])('rejects %j with a message naming the field', (patch, message) => {
    expect(() => buildRegistration({ ...base, ...(patch as Partial<RegistrationInput>) })).toThrow(message);
  });
});

describe('toAgentRegistration', () => {
  it('names the check "service:<id>", as Consul does for a service with one check', () => {
    const options = toAgentRegistration(buildRegistration({ ...base, check: 'ttl' }));
    expect(options).toMatchObject({ name: 'users', id: base.id, address: '127.0.0.1', port: 3001, check: { checkid: `service:${base.id}`, ttl: '10s', deregistercriticalserviceafter: '1m' } });
  });
});

describe('durationMs', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it('is NaN for text that is not a duration', () => {
    expect(durationMs('10')).toBeNaN();
  });
});
