import { describe, expect, it } from 'vitest';
import { headerValues, isB64Token, parseApiKey, parseBearer } from './credentials.js';

const MAX = 8192;
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';

describe('parseBearer (RFC 6750 §2.1, RFC 7235 §2.1)', () => {
  it.each([
    [`Bearer ${JWT}`, JWT],
    [`bearer ${JWT}`, JWT], // the scheme is case-insensitive
    [`BEARER ${JWT}`, JWT],
    [`Bearer   ${JWT}`, JWT], // 1*SP
    [`  Bearer ${JWT}  `, JWT], // OWS around a field value
    [[`Bearer ${JWT}`], JWT], // one value given as a list
    ['Bearer abc+/=', 'abc+/='], // b64token allows + / and trailing =
  ])('takes the token of %j', (header, token) => {
    expect(parseBearer(header, MAX)).toEqual({ kind: 'present', value: token });
  });

  it.each([[undefined], [[]]])('says a missing header (%j) is absent', (header) => {
    expect(parseBearer(header, MAX)).toEqual({ kind: 'absent' });
  });

  it.each([
    ['', 'malformed_request', 'empty Authorization header'],
    ['   ', 'malformed_request', 'empty Authorization header'],
    [[`Bearer ${JWT}`, `Bearer ${JWT}`], 'malformed_request', 'more than one Authorization header'],
    ['Bearer', 'malformed_request', 'Bearer needs a token'],
    ['Bearer ', 'malformed_request', 'Bearer needs a token'],
    ['Basic YWxpY2U6c2VjcmV0', 'unsupported_scheme', 'the Basic scheme is not accepted; send Authorization: Bearer <token>'],
    ['Token abc', 'unsupported_scheme', 'the Token scheme is not accepted'],
    [JWT, 'malformed_request', 'malformed Authorization header'], // a bare token, no scheme
    ['Bearer\tabc', 'malformed_request', 'malformed Authorization header'],
  ])('refuses %j as %s', (header, reason, message) => {
    const parsed = parseBearer(header, MAX);
    expect(parsed).toMatchObject({ kind: 'invalid', reason });
    expect(parsed.kind === 'invalid' && parsed.message).toContain(message);
  });

  it('refuses a token over the size limit by its length alone', () => {
    expect(parseBearer(`Bearer ${'a'.repeat(100_000)}`, MAX)).toEqual({ kind: 'invalid', reason: 'token_too_large', message: 'the token is larger than 8192 bytes' });
  });

  it('does not repeat a long scheme', () => {
    const parsed = parseBearer(`${'X'.repeat(40)} abc`, MAX);
    expect(parsed.kind === 'invalid' && parsed.message).toBe('this scheme is not accepted; send Authorization: Bearer <token>');
  });
});

describe('isB64Token (RFC 6750 §2.1)', () => {
  it.each([JWT, 'abc+/=', 'a-b._~c=='])('accepts %j', (token) => {
    expect(isB64Token(token)).toBe(true);
  });

  it.each(['a b', `${JWT}, Bearer ${JWT}`, 'a"b', '=abc', 'a=b', 'é'])('refuses %j', (token) => {
    expect(isB64Token(token)).toBe(false);
  });
});

describe('parseApiKey', () => {
  it('takes one key, trimmed', () => {
    expect(parseApiKey(' k-1 ', 'x-api-key', 1024)).toEqual({ kind: 'present', value: 'k-1' });
  });

  it.each([
    ['an empty key', '', 'malformed_request'],
    ['two keys', ['a', 'b'], 'malformed_request'],
    ['a key over 1 KiB (not hashed)', 'k'.repeat(1025), 'invalid_api_key'],
  ])('refuses %s', (_label, header, reason) => {
    expect(parseApiKey(header, 'x-api-key', 1024)).toMatchObject({ kind: 'invalid', reason });
  });
});

describe('headerValues', () => {
  it('finds a header once, repeated, or not at all, whatever its case', () => {
    const raw = ['Host', 'x', 'Authorization', 'Bearer a', 'x-api-key', 'k', 'authorization', 'Bearer b'];
    expect(headerValues(raw, 'authorization')).toEqual(['Bearer a', 'Bearer b']);
    expect(headerValues(raw, 'X-API-KEY')).toBe('k');
    expect(headerValues(raw, 'cookie')).toBeUndefined();
  });
});
