import { describe, expect, it } from 'vitest';
import { decodeNestReply, encodeNestRequest } from './nest-nats.codec.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('Nest NATS wire codec', () => {
  it('encodes a request packet as Nest ClientNats does: { pattern, data, id }', () => {
    const encoded = encodeNestRequest('orders.get', { id: 42 }, 'c0ffee');
    expect(new TextDecoder().decode(encoded)).toBe('{"pattern":"orders.get","data":{"id":42},"id":"c0ffee"}');
  });

  it('leaves out undefined data, like JSON.stringify in Nest', () => {
    expect(new TextDecoder().decode(encodeNestRequest('ping', undefined, '1'))).toBe('{"pattern":"ping","id":"1"}');
  });

  it('decodes a reply with a response, and one with an err', () => {
    expect(decodeNestReply(bytes('{"id":"1","response":{"ok":true},"isDisposed":true}'))).toEqual({ id: '1', response: { ok: true }, isDisposed: true });
    expect(decodeNestReply(bytes('{"id":"2","err":{"status":"error","message":"nope"},"isDisposed":true}'))).toEqual({
      id: '2',
      err: { status: 'error', message: 'nope' },
      isDisposed: true,
    });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    ['{"response":1}', 'no "id"'],
  ])('rejects %j with MESHWAY_BAD_REPLY saying why', (text, why) => {
    expect(() => decodeNestReply(bytes(text))).toThrow(expect.objectContaining({ code: 'MESHWAY_BAD_REPLY', message: expect.stringContaining(why) }));
  });
});
