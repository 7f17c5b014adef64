import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from './request-target.js';

describe('parseRequestTarget', () => {
  it.each([
    ['/api/users?x=1', '/api/users', '?x=1'],
    ['/api/users/', '/api/users/', ''],
    ['/api/users/../admin', '/api/admin', ''],
    ['/api/users/%2e%2e/admin', '/api/admin', ''],
    ['/api/./users//7', '/api/users/7', ''],
    ['/api/users/..', '/api/', ''],
    ['/a%2Fb/c', '/a%2Fb/c', ''],
    ['/', '/', ''],
  ])('normalises %j to path %j', (url, path, search) => {
    expect(parseRequestTarget(url)).toEqual({ path, search });
  });

  it.each([
    ['/../etc/passwd', 'climbs above the root'],
    ['/api/%2e%2e/%2e%2e/x', 'climbs above the root'],
    ['/api/%zz', 'malformed percent-encoding'],
    ['/api/%E0%A4%A', 'malformed percent-encoding'],
    ['/api\\..\\admin', 'backslash'],
    ['http://evil.example/api', 'must be a path'],
    ['*', 'must be a path'],
  ])('rejects %j as a bad request (%s)', (url, why) => {
    expect(() => parseRequestTarget(url)).toThrow(why);
    expect(() => parseRequestTarget(url)).toThrow(expect.objectContaining({ code: 'MESHWAY_BAD_REQUEST', status: 400 }) as Error);
  });
});
