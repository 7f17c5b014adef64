import { MeshwayError, invalidOptionMessage } from '@meshway/errors';

/** Stable error codes of `@meshway/auth`. Callers switch on `code`, never on the message. */
export const AuthErrorCode = {
  /** A missing, malformed or unverifiable credential (HTTP 401 with `WWW-Authenticate`). */
  Unauthenticated: 'MESHWAY_UNAUTHENTICATED',
  /** The caller is known but lacks a required scope (HTTP 403). */
  Forbidden: 'MESHWAY_FORBIDDEN',
  /** The `auth` config block is invalid, or a key it names cannot be loaded; the message names the field. */
  InvalidConfig: 'MESHWAY_AUTH_INVALID_CONFIG',
  /** A runtime option (clock, logger, env, …) is invalid; the message names the option, the value and what is allowed. */
  InvalidOptions: 'MESHWAY_AUTH_INVALID_OPTIONS',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** The HTTP status each refusal answers with (the gateway's error table and the Nest guards use this one table). */
export const AUTH_HTTP_STATUS = {
  [AuthErrorCode.Unauthenticated]: 401,
  [AuthErrorCode.Forbidden]: 403,
} as const;

/** The codes a refused request answers with. */
export type RefusalCode = keyof typeof AUTH_HTTP_STATUS;

export class AuthError extends MeshwayError<AuthErrorCode> {
  override readonly name = 'AuthError';
}

/** MESHWAY_AUTH_INVALID_OPTIONS for `option` (a dotted path such as `Authenticator.clock`). */
export function invalidOption(option: string, given: unknown, allowed: string): AuthError {
  return new AuthError(AuthErrorCode.InvalidOptions, invalidOptionMessage('auth option', option, given, allowed));
}

/** MESHWAY_AUTH_INVALID_CONFIG naming the field (`auth.jwt[0].secretEnv: …`). */
export function invalidConfig(field: string, problem: string): AuthError {
  return new AuthError(AuthErrorCode.InvalidConfig, `Invalid auth config: ${field}: ${problem}`);
}
