import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, ConfigErrorCode, fields, loadConfig, platformSchema, serviceSchema } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'meshway-config-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('gives the platform contract its documented defaults when nothing is set', () => {
    expect(loadConfig(platformSchema, { env: {} })).toEqual({
      REGISTRY_PORT: 8500,
      REGISTRY_HOST: '127.0.0.1',
      REGISTRY_DATA_DIR: '.meshway/registry',
      GATEWAY_PORT: 8080,
      GATEWAY_ADMIN_PORT: 8081,
      CONSUL_HTTP_ADDR: 'http://127.0.0.1:8500',
      NATS_URL: ['nats://127.0.0.1:4222'],
      MESHWAY_TRANSPORT: 'auto',
      LOG_LEVEL: 'info',
    });
  });

  it('gives a service any free port on 127.0.0.1, registering by default, with no address override', () => {
    const config = loadConfig(serviceSchema, { env: {} });
    expect(config).toMatchObject({ PORT: 0, HOST: '127.0.0.1', MESHWAY_REGISTER: true, LOG_LEVEL: 'info' });
    expect(config.SERVICE_ADDRESS).toBeUndefined();
    expect(Object.keys(config)).not.toContain('GATEWAY_PORT');
  });

  it('gives a service a plain listener and no client identity unless TLS files are named', () => {
    const config = loadConfig(serviceSchema, { env: {} });
    expect(config.SERVICE_TLS_REQUIRE_CLIENT_CERT).toBe(false);
    for (const key of ['SERVICE_TLS_CERT_FILE', 'SERVICE_TLS_KEY_FILE', 'SERVICE_TLS_CA_FILE', 'MESHWAY_TLS_CA_FILE', 'MESHWAY_TLS_CERT_FILE', 'MESHWAY_TLS_KEY_FILE'] as const) {
      expect(config[key]).toBeUndefined();
    }
    expect(loadConfig(serviceSchema, { env: { SERVICE_TLS_REQUIRE_CLIENT_CERT: 'yes', SERVICE_TLS_CERT_FILE: 'tls/users.pem' } })).toMatchObject({
      SERVICE_TLS_REQUIRE_CLIENT_CERT: true,
      SERVICE_TLS_CERT_FILE: 'tls/users.pem',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(serviceSchema, { env: { PORT: '', CONSUL_HTTP_TOKEN: '' } })).toMatchObject({ PORT: 0 });
  });
});

describe('loadConfig parsing', () => {
  it('parses typed values from env strings', () => {
    const config = loadConfig(platformSchema, {
      env: {
        GATEWAY_PORT: '9090',
        NATS_URL: 'nats://a:4222, nats://b:4222',
        MESHWAY_TRANSPORT: 'NATS',
        LOG_LEVEL: 'debug',
        CONSUL_HTTP_TOKEN: 'secret-token',
      },
    });
    expect(config).toMatchObject({
      GATEWAY_PORT: 9090,
      NATS_URL: ['nats://a:4222', 'nats://b:4222'],
      MESHWAY_TRANSPORT: 'nats',
      LOG_LEVEL: 'debug',
      CONSUL_HTTP_TOKEN: 'secret-token',
    });
  });

  it.each([
    ['true', true],
    ['0', false],
    ['No', false],
    ['on', true],
  ])('reads MESHWAY_REGISTER=%s as %s', (value, expected) => {
    expect(loadConfig(serviceSchema, { env: { MESHWAY_REGISTER: value } }).MESHWAY_REGISTER).toBe(expected);
  });

  it('reads only the keys of the schema', () => {
    const schema = z.object({ A: fields.int({ min: 1, max: 5, default: 3 }) });
    expect(loadConfig(schema, { env: { A: '5', B: 'ignored' } })).toEqual({ A: 5 });
  });
});

describe('loadConfig rejects bad values naming the variable, the value and what is allowed', () => {
  it.each([
    ['GATEWAY_PORT', 'abc', 'Invalid configuration: GATEWAY_PORT="abc" is not allowed: expected an integer from 0 to 65535'],
    ['GATEWAY_PORT', '70000', 'Invalid configuration: GATEWAY_PORT="70000" is not allowed: expected an integer from 0 to 65535'],
    ['REGISTRY_PORT', '80.5', 'Invalid configuration: REGISTRY_PORT="80.5" is not allowed: expected an integer from 0 to 65535'],
    ['LOG_LEVEL', 'loud', 'Invalid configuration: LOG_LEVEL="loud" is not allowed: expected one of trace, debug, info, warn, error, fatal, silent'],
    ['MESHWAY_TRANSPORT', 'smtp', 'Invalid configuration: MESHWAY_TRANSPORT="smtp" is not allowed: expected one of auto, http, nats'],
    ['CONSUL_HTTP_ADDR', 'not a url', 'Invalid configuration: CONSUL_HTTP_ADDR="not a url" is not allowed: expected a URL with scheme http, https, e.g. http://127.0.0.1:8500'],
    ['CONSUL_HTTP_ADDR', 'ftp://host:21', 'Invalid configuration: CONSUL_HTTP_ADDR="ftp://host:21" is not allowed: expected a URL with scheme http, https, e.g. http://127.0.0.1:8500'],
    ['NATS_URL', 'nats://a:4222,http://b', 'Invalid configuration: NATS_URL="nats://a:4222,http://b" is not allowed: expected a comma-separated list of URLs with scheme nats, tls, ws, wss, e.g. nats://127.0.0.1:4222'],
  ])('%s=%s', (variable, value, message) => {
    const error = failure(() => loadConfig(platformSchema, { env: { [variable]: value } }));
    expect(error.code).toBe('MESHWAY_CONFIG_INVALID');
    expect(error.message).toBe(message);
    expect(error.issues).toEqual([{ variable, value, expected: message.split(': expected ')[1] }]);
  });

  it('lists every bad setting, one line each', () => {
    const error = failure(() => loadConfig(platformSchema, { env: { GATEWAY_PORT: '-1', LOG_LEVEL: 'loud' } }));
    expect(error.message.split('\n')).toEqual([
      'Invalid configuration: GATEWAY_PORT="-1" is not allowed: expected an integer from 0 to 65535',
      'Invalid configuration: LOG_LEVEL="loud" is not allowed: expected one of trace, debug, info, warn, error, fatal, silent',
    ]);
  });

  it('says a required setting without default is not set', () => {
    const schema = z.object({ UPSTREAM_URL: fields.url(), NAME: fields.text() });
    const error = failure(() => loadConfig(schema, { env: {} }));
    expect(error.message).toBe(
      'Invalid configuration: UPSTREAM_URL is not set: expected an absolute URL, e.g. http://127.0.0.1:8080\n' +
        'Invalid configuration: NAME is not set: expected a text value',
    );
  });

  it("words a plain zod schema's failure as an expectation too", () => {
    const schema = z.object({ RATIO: z.coerce.number().max(1) });
    expect(failure(() => loadConfig(schema, { env: { RATIO: '2' } })).message).toBe(
      'Invalid configuration: RATIO="2" is not allowed: expected number to be <=1',
    );
  });
});

describe('loadConfig with a file', () => {
  it('reads YAML with native types, and env vars override it', () => {
    const path = file('platform.yaml', 'GATEWAY_PORT: 9000\nREGISTRY_PORT: 9500\nNATS_URL:\n  - nats://a:4222\n  - nats://b:4222\n');
    const config = loadConfig(platformSchema, { file: path, env: { REGISTRY_PORT: '9600' } });
    expect(config).toMatchObject({ GATEWAY_PORT: 9000, REGISTRY_PORT: 9600, NATS_URL: ['nats://a:4222', 'nats://b:4222'] });
  });

  it('reads JSON', () => {
    const path = file('service.json', JSON.stringify({ PORT: 3000, MESHWAY_REGISTER: false }));
    expect(loadConfig(serviceSchema, { file: path, env: {} })).toMatchObject({ PORT: 3000, MESHWAY_REGISTER: false });
  });

  it('names the file a bad value came from', () => {
    const path = file('bad-port.yaml', 'GATEWAY_PORT: 70000\n');
    expect(failure(() => loadConfig(platformSchema, { file: path, env: {} })).issues).toEqual([
      { variable: 'GATEWAY_PORT', value: '70000', expected: 'an integer from 0 to 65535', file: path },
    ]);
  });

  it('rejects a key the schema does not know, unless told to allow it', () => {
    const path = file('typo.yaml', 'GATEWAY_PROT: 8080\n');
    const error = failure(() => loadConfig(platformSchema, { file: path, env: {} }));
    expect(error.message).toMatch(/^Invalid configuration: GATEWAY_PROT="8080" in .*typo\.yaml is not allowed: expected a known setting \(REGISTRY_PORT, /);
    expect(loadConfig(platformSchema, { file: path, env: {}, allowUnknownFileKeys: true }).GATEWAY_PORT).toBe(8080);
  });

  it('fails with MESHWAY_CONFIG_FILE_UNREADABLE when the named file is missing', () => {
    const error = failure(() => loadConfig(platformSchema, { file: join(dir, 'nope.yaml'), env: {} }));
    expect(error.code).toBe(ConfigErrorCode.FileUnreadable);
    expect(error.message).toBe(`Configuration file ${join(dir, 'nope.yaml')} does not exist`);
  });

  it.each([
    ['broken.json', '{"GATEWAY_PORT": ', /is not valid JSON/],
    ['broken.yaml', 'GATEWAY_PORT: [1,\n', /is not valid YAML/],
    ['list.yaml', '- 1\n- 2\n', /must hold a mapping of setting names to values .* got a list/],
  ])('fails with MESHWAY_CONFIG_FILE_MALFORMED for %s', (name, text, message) => {
    const error = failure(() => loadConfig(platformSchema, { file: file(name, text), env: {} }));
    expect(error.code).toBe(ConfigErrorCode.FileMalformed);
    expect(error.message).toMatch(message);
  });

  it('treats an empty file as no settings', () => {
    expect(loadConfig(serviceSchema, { file: file('empty.yaml', ''), env: {} }).PORT).toBe(0);
  });
});
