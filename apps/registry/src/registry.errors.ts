import { MeshwayError } from '@meshway/errors';

/** Stable error codes of the registry. Callers switch on `code`, never on the message. */
export const RegistryErrorCode = {
  /** An option given to `startRegistry` (or an env var behind it) is invalid. */
  InvalidOptions: 'MESHWAY_REGISTRY_INVALID_OPTIONS',
  /** No ACL token is set but the registry was asked to listen beyond loopback. */
  OpenNonLoopback: 'MESHWAY_REGISTRY_OPEN_NON_LOOPBACK',
  /** The data directory could not be read as a registry database (logged; the registry recovers). */
  StoreCorrupt: 'MESHWAY_REGISTRY_STORE_CORRUPT',
  /** A stored record failed validation on load and was skipped (logged). */
  RecordCorrupt: 'MESHWAY_REGISTRY_RECORD_CORRUPT',
  /** A durable commit failed (disk full, I/O error): memory and disk may differ, so the process stops. */
  CommitFailed: 'MESHWAY_REGISTRY_COMMIT_FAILED',
  /** HTTP: the request is malformed or names something invalid (400). */
  BadRequest: 'MESHWAY_REGISTRY_BAD_REQUEST',
  /** HTTP: the named service, check or session does not exist (404). */
  NotFound: 'MESHWAY_REGISTRY_NOT_FOUND',
  /** HTTP: ACL token missing or wrong (403). */
  PermissionDenied: 'MESHWAY_REGISTRY_PERMISSION_DENIED',
  /** HTTP: the method is not allowed on this path (405). */
  MethodNotAllowed: 'MESHWAY_REGISTRY_METHOD_NOT_ALLOWED',
  /** HTTP: the body (or KV value) is over the limit (413). */
  TooLarge: 'MESHWAY_REGISTRY_TOO_LARGE',
} as const;

export type RegistryErrorCode = (typeof RegistryErrorCode)[keyof typeof RegistryErrorCode];

export class RegistryError extends MeshwayError<RegistryErrorCode> {
  override readonly name = 'RegistryError';
}

const STATUS_CODES: Partial<Record<RegistryErrorCode, number>> = {
  [RegistryErrorCode.BadRequest]: 400,
  [RegistryErrorCode.PermissionDenied]: 403,
  [RegistryErrorCode.NotFound]: 404,
  [RegistryErrorCode.MethodNotAllowed]: 405,
  [RegistryErrorCode.TooLarge]: 413,
};

/**
 * An error answered over HTTP the way Consul answers it: a status and a plain-text reason
 * (the code travels in the `X-Meshway-Error` header so our own clients can switch on it).
 */
export class ConsulHttpError extends RegistryError {
  readonly statusCode: number;

  constructor(code: RegistryErrorCode, reason: string) {
    super(code, reason);
    this.statusCode = STATUS_CODES[code] ?? 500;
  }
}

export const badRequest = (reason: string): ConsulHttpError => new ConsulHttpError(RegistryErrorCode.BadRequest, reason);
export const notFound = (reason: string): ConsulHttpError => new ConsulHttpError(RegistryErrorCode.NotFound, reason);
