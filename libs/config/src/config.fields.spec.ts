import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, fields, loadConfig } from './index.js';

/** Loads one field as variable X: env strings through loadConfig, native values as a JSON/YAML file gives them. */
function load(field: z.ZodType, value: unknown): unknown {
  const schema = z.object({ X: field });
  if (typeof value === 'string' || value === undefined) return loadConfig(schema, { env: { X: value } }).X;
  return schema.parse({ X: value }).X;
}

function expectation(field: z.ZodType, value: string | undefined): string {
  try {
    load(field, value);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues[0]!.expected;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('fields accept', () => {
  it.each([
    ['port', fields.port(1), ' 8080 ', 8080],
    ['port from a file number', fields.port(1), 0, 0],
    ['int within bounds', fields.int({ min: -5, max: 5 }), '-5', -5],
    ['url with a path', fields.url(), 'https://example.com:8443/base', 'https://example.com:8443/base'],
    ['url list from a file list', fields.urlList('nats://a:1'), ['nats://b:2', 'nats://c:3'], ['nats://b:2', 'nats://c:3']],
    ['oneOf in another case', fields.oneOf(['EUR', 'USD'], 'EUR'), 'usd', 'USD'],
    ['bool yes', fields.bool(false), 'YES', true],
    ['bool from a file boolean', fields.bool(true), false, false],
    ['text from a file number', fields.text(), 12345, '12345'],
    ['optional text absent', fields.optionalText(), undefined, undefined],
    ['semver', fields.optionalSemver(), '2.0.0', '2.0.0'],
    ['semver with pre-release and build', fields.optionalSemver(), '2.1.0-rc.1+sha.5114f85', '2.1.0-rc.1+sha.5114f85'],
    ['default when absent', fields.int({ default: 7 }), undefined, 7],
  ])('%s', (_name, field, value, expected) => {
    expect(load(field, value)).toEqual(expected);
  });
});

describe('fields reject, saying what is allowed', () => {
  it.each([
    ['int below min', fields.int({ min: 1 }), '0', 'an integer of at least 1'],
    ['int above max', fields.int({ max: 9 }), '10', 'an integer of at most 9'],
    ['int that is a float', fields.int(), '1.5', 'an integer'],
    ['int beyond safe range', fields.int(), '99999999999999999999', 'an integer'],
    ['bool', fields.bool(true), 'maybe', 'a boolean: true/false, 1/0, yes/no or on/off'],
    ['url without scheme', fields.url(), '127.0.0.1:8500', 'an absolute URL, e.g. http://127.0.0.1:8080'],
    ['url without host', fields.url(), 'http://', 'an absolute URL, e.g. http://127.0.0.1:8080'],
    ['url of another scheme', fields.url('http://a:1', ['http']), 'nats://a:1', 'a URL with scheme http, e.g. http://a:1'],
    ['url list with an empty item', fields.urlList('nats://a:1'), 'nats://a:1,,nats://b:2', 'a comma-separated list of URLs (absolute), e.g. nats://a:1'],
    ['oneOf', fields.logLevel(), 'verbose', 'one of trace, debug, info, warn, error, fatal, silent'],
    ['required text', fields.text(), undefined, 'a text value'],
    ['semver with two parts', fields.optionalSemver(), '2.0', 'a semantic version such as 2.0.0 or 2.1.0-rc.1'],
    ['semver with a v', fields.optionalSemver(), 'v2.0.0', 'a semantic version such as 2.0.0 or 2.1.0-rc.1'],
    ['semver with a leading zero', fields.optionalSemver(), '02.0.0', 'a semantic version such as 2.0.0 or 2.1.0-rc.1'],
  ])('%s', (_name, field, value, expected) => {
    expect(expectation(field, value)).toBe(expected);
  });
});
