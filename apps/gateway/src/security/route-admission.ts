import { headerValues, identityHeaders, IDENTITY_HEADERS, type AuthRefused, type Credentials, type Identity, type RouteAuthenticator } from '@meshway/auth';
import { refusalCode, type RateLimitDecision, type RouteRateLimiter } from '@meshway/rate-limit';
import { GatewayError } from '../gateway.errors.js';

/**
 * What a route asks of a request before it goes upstream, bound once per route when the table is built: who the caller
 * is (its authenticator) and how often it may call (its limiter). The auth and rate-limit steps use it for HTTP requests,
 * the WebSocket forwarder for upgrades, so a protected route is protected whatever the request.
 */
export interface RouteAdmission {
  /** Undefined for routes with `auth: none`. */
  readonly authenticate: RouteAuthenticator | undefined;
  /** The header API keys come in (never forwarded upstream on routes that accept API keys). */
  readonly apiKeyHeader: string | undefined;
  /** Undefined for routes without `rateLimit`. */
  readonly limiter: RouteRateLimiter | undefined;
}

/** The credentials of a request: every `Authorization` value (a duplicate is refused, Node's `req.headers` keeps one) and the API key. */
export function credentialsOf(rawHeaders: readonly string[], apiKeyHeader: string | undefined): Credentials {
  const authorization = headerValues(rawHeaders, 'authorization');
  return apiKeyHeader === undefined ? { authorization } : { authorization, apiKey: headerValues(rawHeaders, apiKeyHeader) };
}

/** 401 MESHWAY_UNAUTHENTICATED / 403 MESHWAY_FORBIDDEN, with the route's `WWW-Authenticate` challenge. */
export function refusalError(refused: AuthRefused): GatewayError {
  const headers = refused.wwwAuthenticate === undefined ? undefined : { 'www-authenticate': refused.wwwAuthenticate };
  return new GatewayError(refused.code, refused.status === 401 ? `Unauthenticated: ${refused.message}.` : `Forbidden: ${refused.message}.`, headers ? { headers } : {});
}

/** 429 MESHWAY_RATE_LIMITED, or 503 MESHWAY_RATE_LIMIT_UNAVAILABLE when the shared store is down and the gateway fails closed. */
export function rateLimitedError(decision: RateLimitDecision, route: string): GatewayError {
  const code = refusalCode(decision) ?? 'MESHWAY_RATE_LIMITED';
  const message =
    code === 'MESHWAY_RATE_LIMITED'
      ? `Rate limit of ${route} reached: ${decision.limit} requests per window; retry in ${decision.retryAfterSec} s.`
      : 'The rate-limit store cannot be reached and this gateway fails closed; retry shortly.';
  return new GatewayError(code, message);
}

const forwarded = new WeakMap<Identity, readonly string[]>();

/**
 * `x-meshway-consumer` and `x-meshway-scopes` as a flat `[name, value, …]` list. Identities are shared across requests
 * (the token cache hands out one object per token), so the pair is built once per identity.
 */
export function forwardedIdentity(identity: Identity): readonly string[] {
  let headers = forwarded.get(identity);
  if (headers === undefined) {
    const values = identityHeaders(identity);
    headers = [IDENTITY_HEADERS.consumer, values[IDENTITY_HEADERS.consumer], IDENTITY_HEADERS.scopes, values[IDENTITY_HEADERS.scopes]];
    forwarded.set(identity, headers);
  }
  return headers;
}

/** Removes every `name` header from a flat forward list (the API key: a consumer's secret for the gateway, not for services). */
export function dropHeader(forward: string[], name: string): void {
  for (let i = forward.length - 2; i >= 0; i -= 2) if (forward[i] === name) forward.splice(i, 2);
}
