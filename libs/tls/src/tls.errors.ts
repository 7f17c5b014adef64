import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/tls`. Callers switch on `code`, never on the message. */
export const TlsErrorCode = {
  /** A certificate, key or CA file cannot be read, or does not hold what it should (bad PEM, key not matching the cert). */
  InvalidFiles: 'MESHWAY_TLS_INVALID_FILES',
  /** A TLS option is missing or invalid (a cert without a key, an unknown name). */
  InvalidOptions: 'MESHWAY_TLS_INVALID_OPTIONS',
} as const;

export type TlsErrorCode = (typeof TlsErrorCode)[keyof typeof TlsErrorCode];

export class TlsError extends MeshwayError<TlsErrorCode> {
  override readonly name = 'TlsError';
}
