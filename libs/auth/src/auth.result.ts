import { AUTH_HTTP_STATUS, AuthError, AuthErrorCode, type RefusalCode } from './auth.errors.js';
import type { Identity } from './identity.js';

/** What a route asks of its callers: nothing, a JWT, an API key, or either. */
export const AUTH_MODES = ['none', 'jwt', 'apiKey', 'any'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * Why a request was refused: stable, for logs and metrics (the HTTP answer is decided by `code` alone).
 * `missing_credential` … `ambiguous_credentials` are about the request's headers, `malformed_token` … `no_consumer` about a
 * JWT, `invalid_api_key` about an API key, `insufficient_scope` (403) about what a known caller may do.
 */
export type AuthFailureReason =
  | 'missing_credential'
  | 'malformed_request'
  | 'unsupported_scheme'
  | 'ambiguous_credentials'
  | 'malformed_token'
  | 'token_too_large'
  | 'unknown_issuer'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'key_unavailable'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims'
  | 'no_consumer'
  | 'invalid_api_key'
  | 'insufficient_scope';

/** The caller is known (or, for a route with mode `none`, nobody was asked: `identity` is undefined only then). */
export interface AuthGranted {
  readonly ok: true;
  readonly identity: Identity | undefined;
}

/** The caller is refused: answer `status` with `{ error: { code, message } }` and, when set, `WWW-Authenticate: <wwwAuthenticate>`. */
export interface AuthRefused {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly status: (typeof AUTH_HTTP_STATUS)[RefusalCode];
  readonly reason: AuthFailureReason;
  /** Safe to send to the client (our own words, never the token's content); also the challenge's `error_description`. */
  readonly message: string;
  /** The `WWW-Authenticate` value (RFC 6750 / 7235); undefined for a 403 of an API-key caller. */
  readonly wwwAuthenticate: string | undefined;
  /** The scopes the caller lacks (`insufficient_scope` only). */
  readonly missingScopes?: readonly string[];
}

export type AuthResult = AuthGranted | AuthRefused;

/** Which challenges a refusal carries: the route's accepted credentials. */
export interface Challenges {
  readonly realm: string;
  readonly bearer: boolean;
  /** The API key header name, when API keys are accepted. */
  readonly apiKeyHeader: string | undefined;
}

/** RFC 6750 §3: the OAuth error code of each refusal; undefined when the request carried no credential (§3.1). */
function bearerError(reason: AuthFailureReason): string | undefined {
  switch (reason) {
    case 'missing_credential':
    case 'invalid_api_key':
      return undefined;
    case 'malformed_request':
    case 'unsupported_scheme':
    case 'ambiguous_credentials':
      return 'invalid_request';
    case 'insufficient_scope':
      return 'insufficient_scope';
    default:
      return 'invalid_token';
  }
}

/** An RFC 7230 quoted-string's content: our messages are plain ASCII already; anything else would break the header. */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
}

function challenge(reason: AuthFailureReason, message: string, on: Challenges, scopes: readonly string[] | undefined): string | undefined {
  const parts: string[] = [];
  if (on.bearer) {
    const error = bearerError(reason);
    let bearer = `Bearer realm="${quotable(on.realm)}"`;
    if (error !== undefined) bearer += `, error="${error}", error_description="${quotable(message)}"`;
    if (scopes !== undefined) bearer += `, scope="${quotable(scopes.join(' '))}"`;
    parts.push(bearer);
  }
  if (on.apiKeyHeader !== undefined && reason !== 'insufficient_scope') parts.push(`ApiKey realm="${quotable(on.realm)}", header="${on.apiKeyHeader}"`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** A 401 MESHWAY_UNAUTHENTICATED with the route's challenges. */
export function unauthenticated(reason: AuthFailureReason, message: string, on: Challenges): AuthRefused {
  const code = AuthErrorCode.Unauthenticated;
  return { ok: false, code, status: AUTH_HTTP_STATUS[code], reason, message, wwwAuthenticate: challenge(reason, message, on, undefined) };
}

/** A 403 MESHWAY_FORBIDDEN naming the missing scopes (RFC 6750 `insufficient_scope` for Bearer callers). */
export function forbidden(missingScopes: readonly string[], on: Challenges): AuthRefused {
  const code = AuthErrorCode.Forbidden;
  const message = `missing scope${missingScopes.length > 1 ? 's' : ''} ${missingScopes.join(' ')}`;
  const wwwAuthenticate = challenge('insufficient_scope', message, on, missingScopes);
  return { ok: false, code, status: AUTH_HTTP_STATUS[code], reason: 'insufficient_scope', message, wwwAuthenticate, missingScopes };
}

/**
 * Does `identity` hold every scope of `required`? Granted with the identity, or a 403 MESHWAY_FORBIDDEN listing the missing ones
 * (with a Bearer `insufficient_scope` challenge when the identity came from a JWT).
 */
export function requireScopes(identity: Identity, required: Iterable<string>, realm = 'meshway'): AuthResult {
  return requireScopesOn({ ok: true, identity }, required, { realm, bearer: true, apiKeyHeader: undefined });
}

/** {@link requireScopes} on a result: refusals and anonymous grants pass through unchanged. */
export function requireScopesOn(result: AuthResult, required: Iterable<string>, on: Challenges): AuthResult {
  if (!result.ok || result.identity === undefined) return result;
  const { identity } = result;
  let missing: string[] | undefined;
  for (const scope of required) {
    if (!identity.scopes.has(scope)) (missing ??= []).push(scope);
  }
  if (missing === undefined) return result;
  return forbidden(missing, { realm: on.realm, bearer: on.bearer && identity.method === 'jwt', apiKeyHeader: undefined });
}

/** The refusal as an error, for code that throws (`error.code` is MESHWAY_UNAUTHENTICATED or MESHWAY_FORBIDDEN). */
export function refusalError(refused: AuthRefused): AuthError {
  return new AuthError(refused.code, refused.message);
}
