import { describe, expect, it } from 'vitest';
import { requestEnvelope, type EnvelopeSource } from './http-request.envelope.js';

const source = (patch: Partial<EnvelopeSource>): EnvelopeSource => ({
  method: 'GET',
  url: '/orders',
  params: {},
  rawHeaders: ['Host', 'orders:8080'],
  requestId: 'r-1',
  body: Buffer.alloc(0),
  ...patch,
});

describe('requestEnvelope: the HTTP request as the gateway would have sent it over NATS', () => {
  it('keeps end-to-end headers, lower-case, repeated ones joined; drops hop-by-hop, Connection-named, gateway-set and x-meshway-* headers', () => {
    const rawHeaders = [
      'Host', 'orders:8080', 'X-Forwarded-Host', 'shop.example.com', 'X-Forwarded-For', '10.0.0.1', 'X-Forwarded-Proto', 'https',
      'Connection', 'keep-alive, X-Hop', 'X-Hop', 'gone', 'Keep-Alive', 'timeout=5', 'Proxy-Authorization', 'secret', 'TE', 'trailers',
      'Accept', 'text/html', 'accept', 'application/json', 'X-Request-Id', 'client-id', 'X-Request-Timeout', '900',
      'X-Meshway-Consumer', 'forged', 'Expect', '100-continue', '__proto__', 'plain',
    ];
    expect({ ...requestEnvelope(source({ rawHeaders })).headers }).toEqual({
      accept: 'text/html, application/json',
      'x-request-id': 'r-1',
      'x-forwarded-host': 'shop.example.com',
      ['__proto__']: 'plain',
    });
  });

  it('says which host the client asked for when no gateway forwarded the request', () => {
    expect(requestEnvelope(source({})).headers).toEqual({ 'x-request-id': 'r-1', 'x-forwarded-host': 'orders:8080' });
  });

  it('parses the query (repeated keys → arrays) and keeps only params that matched', () => {
    const envelope = requestEnvelope(source({ url: '/orders/7?a=1&a=2&b=&c=%20x', params: { id: '7', rest: undefined } }));
    expect(envelope).toMatchObject({ path: '/orders/7', params: { id: '7' }, query: { a: ['1', '2'], b: '', c: ' x' }, body: null });
    expect(envelope).not.toHaveProperty('bodyEncoding');
  });

  it('reads JSON when the content type says JSON (or nothing), base64 otherwise', () => {
    const json = (contentType?: string) => requestEnvelope(source({ method: 'POST', rawHeaders: contentType === undefined ? [] : ['content-type', contentType], body: Buffer.from('{"a":1}') }));
    expect(json()).toMatchObject({ body: { a: 1 }, bodyEncoding: 'json' });
    expect(json('application/merge-patch+json; charset=utf-8')).toMatchObject({ body: { a: 1 }, bodyEncoding: 'json' });
    expect(json('text/plain')).toMatchObject({ body: Buffer.from('{"a":1}').toString('base64'), bodyEncoding: 'base64' });
  });

  it('refuses malformed JSON, and JSON nested too deeply to travel, with 400 BAD_REQUEST', () => {
    expect(() => requestEnvelope(source({ method: 'POST', body: Buffer.from('{"a":') }))).toThrow(expect.objectContaining({ status: 400, code: 'BAD_REQUEST' }));
    const deep = Buffer.from(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(() => requestEnvelope(source({ method: 'POST', body: deep }))).toThrow(expect.objectContaining({ status: 400, code: 'BAD_REQUEST' }));
  });
});
