import { describe, expect, it } from 'vitest';
import { parseTraceparent, requestIdFrom } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it.each(['abc', 'a.b_c:d-1', 'x'.repeat(128)])('keeps a sane incoming id: %s', (id) => {
    expect(requestIdFrom({ 'x-request-id': id })).toBe(id);
  });

  it.each([undefined, '', 'x'.repeat(129), 'has space', 'new\nline', '<script>', 'ünï'])('replaces %j with a UUID', (id) => {
    expect(requestIdFrom({ 'x-request-id': id })).toMatch(UUID);
  });

  it('takes the first of repeated headers', () => {
    expect(requestIdFrom({ 'x-request-id': ['first', 'second'] })).toBe('first');
  });
});

describe('parseTraceparent', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';

  it('reads the trace id, parent span id and sampled flag', () => {
    expect(parseTraceparent(`00-${traceId}-${spanId}-01`)).toEqual({ traceId, spanId, sampled: true });
    expect(parseTraceparent(`00-${traceId}-${spanId}-00`)).toEqual({ traceId, spanId, sampled: false });
  });

  it('accepts a future version with extra fields', () => {
    expect(parseTraceparent(`01-${traceId}-${spanId}-01-extra`)?.traceId).toBe(traceId);
  });

  it.each([
    undefined,
    'garbage',
    `ff-${traceId}-${spanId}-01`,
    `00-${'0'.repeat(32)}-${spanId}-01`,
    `00-${traceId}-${'0'.repeat(16)}-01`,
    `00-${traceId.toUpperCase()}-${spanId}-01`,
    `00-${traceId}-${spanId}-01-extra`,
    `00-${traceId.slice(1)}-${spanId}-01`,
  ])('rejects %j', (header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});
