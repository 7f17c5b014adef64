import { parseAuthConfig, type AuthConfig, type AuthConfigInput } from './auth.config.js';
import { MAX_API_KEY_BYTES } from './auth.defaults.js';
import { invalidConfig } from './auth.errors.js';
import { AUTH_MODES, requireScopesOn, unauthenticated, type AuthFailureReason, type AuthMode, type AuthRefused, type AuthResult, type Challenges } from './auth.result.js';
import { ApiKeyStore } from './api-key.store.js';
import { resolveAuthenticatorOptions, type AuthenticatorOptions } from './authenticator.options.js';
import { isB64Token, NOT_B64TOKEN, parseApiKey, parseBearer, type Credentials, type HeaderValue } from './credentials.js';
import { SCOPE_PATTERN } from './identity.js';
import type { VerifyResult } from './jwt.verifier.js';
import { JwtVerifier } from './jwt.verifier.js';

/** What a route asks: its mode and the scopes a caller must all hold. */
export interface RouteAuth {
  readonly mode: AuthMode;
  readonly scopes?: readonly string[];
}

/**
 * A synchronous answer when one can be given (a cached token, an API key, a missing or malformed credential, anything
 * refused before crypto); a Promise only when a token must be verified or its issuer's keys fetched. Callers branch with
 * `result instanceof Promise` and stay synchronous otherwise. Neither form ever throws or rejects.
 */
export type AuthOutcome = AuthResult | Promise<AuthResult>;

/** A route's authentication, bound once (when the route table is built): `(credentials) => AuthOutcome`. */
export type RouteAuthenticator = (credentials: Credentials) => AuthOutcome;

const ANONYMOUS: AuthResult = Object.freeze({ ok: true, identity: undefined });

/**
 * The one entry point of `@meshway/auth`: JWTs of the configured issuers and API keys of the configured consumers, checked
 * for a route's mode (`none | jwt | apiKey | any`) and scopes. Built from the `auth` config block (validated here too);
 * a key file or secret that cannot be loaded fails the constructor naming the field.
 */
export class Authenticator {
  readonly config: AuthConfig;
  readonly jwt: JwtVerifier;
  readonly apiKeys: ApiKeyStore;
  /** The `realm` of every challenge. */
  readonly realm: string;
  private readonly challenges: Readonly<Record<Exclude<AuthMode, 'none'>, Challenges>>;
  private readonly missing: Readonly<Record<Exclude<AuthMode, 'none'>, AuthRefused>>;

  constructor(config?: AuthConfigInput, options?: AuthenticatorOptions, where = 'auth') {
    const resolved = resolveAuthenticatorOptions(options);
    this.config = parseAuthConfig(config, where);
    this.jwt = new JwtVerifier(this.config, resolved, where);
    this.apiKeys = new ApiKeyStore(this.config.apiKeys);
    const { realm } = resolved;
    this.realm = realm;
    const header = this.config.apiKeyHeader;
    this.challenges = {
      jwt: { realm, bearer: true, apiKeyHeader: undefined },
      apiKey: { realm, bearer: false, apiKeyHeader: header },
      any: { realm, bearer: true, apiKeyHeader: header },
    };
    this.missing = {
      jwt: unauthenticated('missing_credential', 'no credential; send Authorization: Bearer <token>', this.challenges.jwt),
      apiKey: unauthenticated('missing_credential', `no credential; send the ${header} header`, this.challenges.apiKey),
      any: unauthenticated('missing_credential', `no credential; send Authorization: Bearer <token> or the ${header} header`, this.challenges.any),
    };
  }

  /** The header API keys come in (lower case). */
  get apiKeyHeader(): string {
    return this.config.apiKeyHeader;
  }

  /**
   * Binds a route's mode and scopes, checked now: an unknown mode, a bad scope, or a mode nothing is configured for (`jwt`
   * without issuers, `apiKey` without keys) throws MESHWAY_AUTH_INVALID_CONFIG naming `where`.
   */
  forRoute(route: RouteAuth, where = 'route'): RouteAuthenticator {
    if (!(AUTH_MODES as readonly unknown[]).includes(route.mode)) throw invalidConfig(`${where}.auth`, `expected one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(route.mode)}`);
    const scopes = route.scopes ?? [];
    scopes.forEach((scope, i) => {
      if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope)) throw invalidConfig(`${where}.scopes[${i}]`, 'expected a scope (visible ASCII, no quotes or backslashes)');
    });
    if (route.mode === 'none' && scopes.length > 0) throw invalidConfig(`${where}.scopes`, 'a route with auth none has no caller to hold scopes');
    const jwt = this.config.jwt.length > 0;
    const keys = this.apiKeys.size > 0;
    if ((route.mode === 'jwt' && !jwt) || (route.mode === 'apiKey' && !keys) || (route.mode === 'any' && !jwt && !keys)) {
      throw invalidConfig(`${where}.auth`, `${route.mode} needs ${route.mode === 'apiKey' ? 'auth.apiKeys' : 'auth.jwt'} to list at least one ${route.mode === 'apiKey' ? 'consumer' : 'issuer'}`);
    }
    const bound: RouteAuth = Object.freeze({ mode: route.mode, scopes: Object.freeze([...scopes]) });
    return (credentials) => this.authenticate(bound, credentials);
  }

  /** Authenticates one request for `route` (see {@link AuthOutcome}); prefer {@link forRoute}, which checks the route once. */
  authenticate(route: RouteAuth, credentials: Credentials): AuthOutcome {
    if (route.mode === 'none') return ANONYMOUS;
    const on = this.challenges[route.mode];
    let outcome: AuthOutcome;
    if (route.mode === 'jwt') outcome = this.byToken(credentials.authorization, route.mode);
    else if (route.mode === 'apiKey') outcome = this.byApiKey(credentials.apiKey, route.mode);
    else if (!given(credentials.apiKey)) outcome = this.byToken(credentials.authorization, route.mode);
    else if (!given(credentials.authorization)) outcome = this.byApiKey(credentials.apiKey, route.mode);
    else outcome = unauthenticated('ambiguous_credentials', `send one credential, Authorization or ${this.apiKeyHeader}, not both`, on);
    const scopes = route.scopes;
    if (scopes === undefined || scopes.length === 0) return outcome;
    return outcome instanceof Promise ? outcome.then((result) => requireScopesOn(result, scopes, on)) : requireScopesOn(outcome, scopes, on);
  }

  /** A 401 with the challenges of `mode` (for credentials checked elsewhere, such as the gateway's identity headers). */
  refusal(reason: AuthFailureReason, message: string, mode: Exclude<AuthMode, 'none'>): AuthRefused {
    return unauthenticated(reason, message, this.challenges[mode]);
  }

  /** Fetches every JWKS now, so the first requests do not wait; never rejects (failures are logged). */
  warmUp(): Promise<void> {
    return this.jwt.warmUp();
  }

  /** Forgets every verified token. */
  clearCache(): void {
    this.jwt.clearCache();
  }

  /** Cuts JWKS fetches in flight. */
  close(): void {
    this.jwt.close();
  }

  private byToken(header: HeaderValue, mode: 'jwt' | 'any'): AuthOutcome {
    const on = this.challenges[mode];
    const parsed = parseBearer(header, this.jwt.maxTokenBytes);
    if (parsed.kind === 'absent') return this.missing[mode];
    if (parsed.kind === 'invalid') return unauthenticated(parsed.reason, parsed.message, on);
    const cached = this.jwt.cached(parsed.value);
    if (cached !== undefined) return cached;
    if (!isB64Token(parsed.value)) return unauthenticated(NOT_B64TOKEN.reason, NOT_B64TOKEN.message, on);
    const verified = this.jwt.verify(parsed.value);
    return verified instanceof Promise ? verified.then((result) => answer(result, on)) : answer(verified, on);
  }

  private byApiKey(header: HeaderValue, mode: 'apiKey' | 'any'): AuthResult {
    const on = this.challenges[mode];
    const parsed = parseApiKey(header, this.apiKeyHeader, MAX_API_KEY_BYTES);
    if (parsed.kind === 'absent') return this.missing[mode];
    if (parsed.kind === 'invalid') return unauthenticated(parsed.reason, parsed.message, on);
    const identity = this.apiKeys.identify(parsed.value);
    return identity === undefined ? unauthenticated('invalid_api_key', 'invalid API key', on) : { ok: true, identity };
  }
}

function given(header: HeaderValue): boolean {
  return header !== undefined && (typeof header === 'string' || header.length > 0);
}

function answer(result: VerifyResult, on: Challenges): AuthResult {
  return result.ok ? result : unauthenticated(result.reason, result.message, on);
}
