import { describe, expect, it } from 'vitest';
import { keyId, keyRoute, rateLimitKey } from './rate-limit.key.js';

describe('rate-limit keys', () => {
  it('are meshway:rl:<route>:<by>:<id>', () => {
    expect(rateLimitKey('GET /users', 'consumer', 'alice')).toBe('meshway:rl:GET /users:consumer:alice');
    expect(rateLimitKey('orders', 'ip', '2001:db8::1')).toBe('meshway:rl:orders:ip:2001:db8::1');
  });

  it('escape ":" and "%" in the route, so the parts split one way only', () => {
    expect(keyRoute('GET /users/:id')).toBe('GET /users/%3Aid');
    expect(keyRoute('100%')).toBe('100%25');
    expect(rateLimitKey('r:ip:1', 'ip', 'x')).not.toBe(rateLimitKey('r', 'ip', '1:ip:x'));
  });

  it.each([
    ['long', 'x'.repeat(10_000)],
    ['control characters', 'alice\r\nDEL *'],
    ['spaces', 'alice smith'],
    ['non-ASCII', 'ålice'],
    ['empty', ''],
    ['a leading #', '#abc'],
  ])('hash ids that are %s into 23 printable characters', (_, id) => {
    const part = keyId(id);
    expect(part).toMatch(/^#[A-Za-z0-9_-]{22}$/);
    expect(keyId(id)).toBe(part);
  });

  it('keep the whole key short whatever the input', () => {
    expect(rateLimitKey('r'.repeat(5_000), 'consumer', 'c'.repeat(5_000)).length).toBeLessThanOrEqual(67);
    expect(keyId('a'.repeat(128))).toBe('a'.repeat(128));
    expect(keyId('a'.repeat(129))).not.toBe('a'.repeat(129));
  });
});
