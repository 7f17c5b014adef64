import { describe, expect, it } from 'vitest';
import { acceptableRequestId, hostnameOf, readIncomingHeaders, stripResponseHopByHop } from './incoming-headers.js';

describe('incoming headers', () => {
  it('keeps end-to-end headers and pulls out what the gateway sets itself', () => {
    const headers = readIncomingHeaders([
      'Host', 'api.example.com', 'X-Request-Id', 'r1', 'Connection', 'keep-alive, X-Trace-Secret', 'X-Trace-Secret', 's',
      'Accept', 'application/json', 'Proxy-Authorization', 'x', 'TE', 'trailers', 'X-Forwarded-For', '10.0.0.1', 'x-forwarded-for', '10.0.0.2',
      'Transfer-Encoding', 'chunked', 'Content-Type', 'application/json',
    ]);
    expect(headers).toMatchObject({ host: 'api.example.com', requestId: 'r1', forwardedFor: '10.0.0.1, 10.0.0.2', chunked: true, contentType: 'application/json' });
    expect(headers.forward).toEqual(['accept', 'application/json', 'content-type', 'application/json']);
  });

  it('strips hop-by-hop response headers and those named in Connection', () => {
    const headers: Record<string, string | string[] | undefined> = { connection: 'close, x-internal', 'x-internal': '1', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'set-cookie': ['a=1', 'b=2'] };
    stripResponseHopByHop(headers);
    expect(headers).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });

  it('accepts 1–200 visible ASCII characters as a request id', () => {
    expect(acceptableRequestId('abc-123')).toBe(true);
    expect(acceptableRequestId('')).toBe(false);
    expect(acceptableRequestId('has space')).toBe(false);
    expect(acceptableRequestId('x'.repeat(201))).toBe(false);
  });

  it.each([['API.example.com:8080', 'api.example.com'], ['[::1]:8080', '::1'], ['plain', 'plain'], [undefined, undefined], ['', undefined]])('hostname of %j is %j', (host, name) => {
    expect(hostnameOf(host)).toBe(name);
  });
});
