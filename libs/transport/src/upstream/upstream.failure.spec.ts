import { describe, expect, it } from 'vitest';
import { TransportError, TransportErrorCode } from '../transport.errors.js';
import { classifyUpstreamError, failureKindOf } from './upstream.failure.js';

const failure = (code: string): Error => Object.assign(new Error(`failed: ${code}`), { code });

describe('one failure classification for gateway and MeshClient', () => {
  it.each([
    ['ECONNREFUSED', 'connect', TransportErrorCode.UpstreamUnavailable],
    ['ENOTFOUND', 'connect', TransportErrorCode.UpstreamUnavailable],
    ['ENETUNREACH', 'connect', TransportErrorCode.UpstreamUnavailable],
    ['UND_ERR_CONNECT_TIMEOUT', 'connect', TransportErrorCode.UpstreamUnavailable],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'connect', TransportErrorCode.UpstreamUnavailable],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'connect', TransportErrorCode.UpstreamUnavailable],
    ['ECONNRESET', 'reset', TransportErrorCode.UpstreamUnavailable],
    ['UND_ERR_SOCKET', 'reset', TransportErrorCode.UpstreamUnavailable],
    ['UND_ERR_CLOSED', 'reset', TransportErrorCode.UpstreamUnavailable],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', TransportErrorCode.UpstreamTimeout],
  ] as const)('%s is a %s failure → %s', (code, kind, transportCode) => {
    expect(failureKindOf(code)).toBe(kind);
    const classified = classifyUpstreamError(failure(code), 'users instance u1');
    expect(classified).toMatchObject({ kind, error: { code: transportCode } });
    expect(classified.error.message).toContain('users instance u1');
  });

  it('calls anything unknown an upstream error that broke the exchange', () => {
    expect(classifyUpstreamError(new Error('weird'), 'x')).toMatchObject({ kind: 'reset', error: { code: TransportErrorCode.UpstreamError } });
  });

  it('keeps our own errors, with the kind their code says', () => {
    const timeout = new TransportError(TransportErrorCode.UpstreamTimeout, 'late');
    expect(classifyUpstreamError(timeout, 'x')).toEqual({ kind: 'timeout', error: timeout });
    expect(classifyUpstreamError(new TransportError(TransportErrorCode.UpstreamError, '503', 503), 'x').kind).toBe('status');
  });
});
