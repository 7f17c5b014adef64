import { describe, expect, it } from 'vitest';
import { DevErrorCode } from './dev.errors.js';
import { resolvePlatformEnv, withDecidedTransport } from './platform.env.js';

describe('resolvePlatformEnv', () => {
  it('fills the env contract with its defaults, deriving CONSUL_HTTP_ADDR and an absolute data dir', () => {
    const env = resolvePlatformEnv({}, '/repo');
    expect(env.vars).toEqual({
      REGISTRY_PORT: '8500',
      REGISTRY_DATA_DIR: '/repo/.meshway/registry',
      GATEWAY_PORT: '8080',
      GATEWAY_ADMIN_PORT: '8081',
      CONSUL_HTTP_ADDR: 'http://127.0.0.1:8500',
      NATS_URL: 'nats://127.0.0.1:4222',
      MESHWAY_TRANSPORT: 'auto',
      LOG_LEVEL: 'info',
    });
    expect(env).toMatchObject({ registryPort: 8500, gatewayPort: 8080, gatewayAdminPort: 8081, transport: 'auto', natsServers: ['nats://127.0.0.1:4222'] });
  });

  it('hands children the decided transport, never auto', () => {
    const env = resolvePlatformEnv({}, '/repo');
    expect(withDecidedTransport(env, 'http').vars.MESHWAY_TRANSPORT).toBe('http');
    expect(withDecidedTransport(env, 'nats')).toMatchObject({ transport: 'auto', vars: { MESHWAY_TRANSPORT: 'nats' } });
  });

  it('reads NATS_URL as a list of servers, scheme and port optional', () => {
    expect(resolvePlatformEnv({ NATS_URL: 'nats://127.0.0.1:4222, nats-2:4223 ,tls://nats-3,nats://[::1]:4222' }, '/repo').natsServers).toEqual([
      'nats://127.0.0.1:4222',
      'nats-2:4223',
      'tls://nats-3',
      'nats://[::1]:4222',
    ]);
  });

  it('lets every parent value win over the default, and passes CONSUL_HTTP_TOKEN only when set', () => {
    const env = resolvePlatformEnv(
      {
        REGISTRY_PORT: '9500',
        REGISTRY_DATA_DIR: '/data/reg',
        GATEWAY_PORT: '9080',
        GATEWAY_ADMIN_PORT: '9081',
        CONSUL_HTTP_ADDR: 'http://consul.internal:8500',
        CONSUL_HTTP_TOKEN: 'secret',
        NATS_URL: 'nats://a:1,nats://b:2',
        MESHWAY_TRANSPORT: 'NATS',
        LOG_LEVEL: 'debug',
      },
      '/repo',
    );
    expect(env.vars).toEqual({
      REGISTRY_PORT: '9500',
      REGISTRY_DATA_DIR: '/data/reg',
      GATEWAY_PORT: '9080',
      GATEWAY_ADMIN_PORT: '9081',
      CONSUL_HTTP_ADDR: 'http://consul.internal:8500',
      CONSUL_HTTP_TOKEN: 'secret',
      NATS_URL: 'nats://a:1,nats://b:2',
      MESHWAY_TRANSPORT: 'nats',
      LOG_LEVEL: 'debug',
    });
  });

  it('derives CONSUL_HTTP_ADDR from a custom REGISTRY_PORT and treats blank values as unset', () => {
    const env = resolvePlatformEnv({ REGISTRY_PORT: '18500', LOG_LEVEL: '  ', CONSUL_HTTP_TOKEN: '' }, '/repo');
    expect(env.vars.CONSUL_HTTP_ADDR).toBe('http://127.0.0.1:18500');
    expect(env.vars.LOG_LEVEL).toBe('info');
    expect(env.vars).not.toHaveProperty('CONSUL_HTTP_TOKEN');
  });

  it.each([
    [{ REGISTRY_PORT: 'abc' }, 'REGISTRY_PORT="abc" is not a port: expected an integer from 1 to 65535.'],
    [{ GATEWAY_PORT: '70000' }, 'GATEWAY_PORT="70000" is not a port'],
    [{ GATEWAY_ADMIN_PORT: '0' }, 'GATEWAY_ADMIN_PORT="0" is not a port'],
    [{ GATEWAY_PORT: '9000', GATEWAY_ADMIN_PORT: '9000' }, 'GATEWAY_PORT and GATEWAY_ADMIN_PORT are both 9000: they must differ.'],
    [{ MESHWAY_TRANSPORT: 'grpc' }, 'MESHWAY_TRANSPORT="grpc" is not valid: expected one of auto, http, nats.'],
    [{ NATS_URL: 'nats://a:4222,' }, 'NATS_URL="nats://a:4222,": "" is not a NATS server: expected nats://host:port, comma-separated.'],
    [{ NATS_URL: 'http://a:4222' }, '"http://a:4222" is not a NATS server'],
    [{ NATS_URL: 'nats://a:99999' }, '"nats://a:99999" is not a NATS server'],
    [{ NATS_URL: 'nats://' }, '"nats://" is not a NATS server'],
  ])('rejects %j with MESHWAY_DEV_BAD_ENV naming the variable', (parent, message) => {
    expect(() => resolvePlatformEnv(parent, '/repo')).toThrow(expect.objectContaining({ code: DevErrorCode.BadEnv, exitCode: 2, message: expect.stringContaining(message) }));
  });
});
