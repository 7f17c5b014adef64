import { describe, expect, it } from 'vitest';
import { resolveModuleOptions } from './discovery-module.options.js';

const service = { name: 'users', version: '1.0.0', transport: 'http' as const };

describe('resolveModuleOptions', () => {
  it('registers with an HTTP check and a 1 s drain by default', () => {
    expect(resolveModuleOptions({ service })).toMatchObject({ register: true, check: 'http', drainMs: 1_000 });
  });

  it('needs no service when the app only discovers (register: false)', () => {
    expect(resolveModuleOptions({ register: false })).toMatchObject({ register: false });
  });

  it.each([
    [{}, /"service": got undefined; allowed: a service description/],
    [{ service: { ...service, name: 'bad name' } }, /"name": got "bad name"/],
    [{ service: { ...service, version: '' } }, /"service.version": got ""/],
    [{ service: { ...service, transport: 'grpc' } }, /"transport": got "grpc"/],
    [{ service: { ...service, routes: [{ methods: ['GET'], path: 'nope' }] } }, /path must start with "\/"/],
    [{ service, check: 'tcp' }, /"check": got "tcp"; allowed: "http" or "ttl"/],
    [{ service, drainMs: -5 }, /"drainMs": got -5/],
    [{ service, address: 'http://x' }, /"address": got "http:\/\/x"/],
  ])('rejects %j at boot with a message naming the option', (options, message) => {
    expect(() => resolveModuleOptions(options as never)).toThrow(message);
  });
});
