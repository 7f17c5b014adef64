import { errorMessage } from '@meshway/errors';
import { decodeJwt, decodeProtectedHeader, type JWSHeaderParameters } from 'jose';
import type { AuthConfig } from './auth.config.js';
import { AUTH_DEFAULTS } from './auth.defaults.js';
import type { AuthGranted } from './auth.result.js';
import type { AuthLogger, ResolvedAuthenticatorOptions } from './authenticator.options.js';
import { fail, IssuerVerifier, type Verified, type VerifyFailure } from './issuer.verifier.js';
import { JwksSource } from './jwks.source.js';
import type { KeySource } from './key.source.js';
import { StaticKeySource } from './static-key.source.js';
import { TokenCache } from './token.cache.js';

/** What verifying a token says: granted (with the identity), or why not. */
export type VerifyResult = AuthGranted | VerifyFailure;

/** Longest `kid` looked at; kids are only ever compared with the key set's, never used as a path or a query. */
const MAX_KID_LENGTH = 256;

/**
 * JWTs of the configured issuers. `verify(token)` answers synchronously from the cache of verified tokens and for anything
 * refused before crypto (too large, malformed, unknown issuer, algorithm not allowed); only an uncached, well-formed token of
 * a known issuer returns a Promise (signature check, and a JWKS fetch when its key is not known yet). Never throws or rejects.
 *
 * The issuer is picked by the token's unverified `iss`; that entry's rules then apply in full (its `iss` must still equal
 * the issuer, its `alg` be one of the issuer's algorithms, checked before any key is looked up).
 */
export class JwtVerifier {
  /** The largest `maxTokenBytes` of any issuer: longer tokens are refused before anything is parsed. */
  readonly maxTokenBytes: number;
  private readonly issuers = new Map<string, IssuerVerifier>();
  private readonly cache: TokenCache<AuthGranted>;
  private readonly inflight = new Map<string, Promise<VerifyResult>>();
  private readonly logger: AuthLogger;

  constructor(config: Pick<AuthConfig, 'jwt' | 'cache'>, options: ResolvedAuthenticatorOptions, where = 'auth') {
    // A key rotated out of a JWKS must not live on in cached tokens: they are all verified again (rare, and cheap).
    const forget = (): void => {
      this.cache.clear();
    };
    config.jwt.forEach((entry, i) => {
      this.issuers.set(entry.issuer, new IssuerVerifier(entry, keySource(entry, options, `${where}.jwt[${i}]`, forget), options.clock));
    });
    // With no issuer every token is refused as `unknown_issuer`; the default size still bounds what is parsed for that.
    this.maxTokenBytes = config.jwt.length > 0 ? Math.max(...config.jwt.map((entry) => entry.maxTokenBytes)) : AUTH_DEFAULTS.maxTokenBytes;
    this.cache = new TokenCache(config.cache.maxEntries, config.cache.maxAgeSec * 1000, options.clock);
    this.logger = options.logger;
  }

  verify(token: string): VerifyResult | Promise<VerifyResult> {
    if (token.length > this.maxTokenBytes) return fail('token_too_large', `the token is larger than ${this.maxTokenBytes} bytes`);
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    const running = this.inflight.get(token);
    if (running !== undefined) return running;
    const checked = this.inspect(token);
    if ('ok' in checked) return checked;
    const verifying = checked.issuer.verify(token, checked.header).then(
      (outcome) => this.settle(token, outcome),
      (error: unknown) => {
        // A bug, not the token's fault: refuse it (401, never a 5xx) and say so in the log.
        this.inflight.delete(token);
        this.logger.warn({ error: errorMessage(error) }, 'JWT verification failed unexpectedly');
        return fail('malformed_token', 'the token could not be verified');
      },
    );
    this.inflight.set(token, verifying);
    return verifying;
  }

  /** The answer for a token verified before and still fresh (a synchronous cache hit), or undefined. */
  cached(token: string): AuthGranted | undefined {
    return token.length > this.maxTokenBytes ? undefined : this.cache.get(token);
  }

  /** Fetches every JWKS now (at boot), so the first tokens do not wait for it. Never rejects; failures are logged. */
  async warmUp(): Promise<void> {
    await Promise.all([...this.issuers.values()].map((issuer) => issuer.keys.warmUp()));
  }

  /** Forgets every verified token (after revoking a key, say): each is verified again on its next use. */
  clearCache(): void {
    this.cache.clear();
  }

  /** Tokens currently cached. */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Cuts JWKS fetches in flight. */
  close(): void {
    for (const issuer of this.issuers.values()) issuer.keys.close();
  }

  private settle(token: string, outcome: Verified | VerifyFailure): VerifyResult {
    this.inflight.delete(token);
    if ('reason' in outcome) return outcome;
    this.cache.set(token, outcome.granted, outcome.expMs);
    return outcome.granted;
  }

  /** The refusals that need no key: shape, header, issuer, algorithm, size. */
  private inspect(token: string): VerifyFailure | { issuer: IssuerVerifier; header: JWSHeaderParameters } {
    const parts = token.split('.');
    if (parts.length !== 3) return fail('malformed_token', 'the token is not a JWT (three dot-separated parts)');
    if (parts[2] === '') return fail('malformed_token', 'the token is not signed');
    let header: JWSHeaderParameters;
    let iss: unknown;
    try {
      header = decodeProtectedHeader(token);
      iss = decodeJwt(token).iss;
    } catch {
      return fail('malformed_token', 'the token is not a JWT (its header or payload is not base64url JSON)');
    }
    const issuer = typeof iss === 'string' ? this.issuers.get(iss) : undefined;
    if (issuer === undefined) return fail('unknown_issuer', "the token's issuer is not trusted");
    if (token.length > issuer.maxTokenBytes) return fail('token_too_large', `the token is larger than ${issuer.maxTokenBytes} bytes`);
    if (typeof header.alg !== 'string' || !issuer.algorithms.has(header.alg)) return fail('algorithm_not_allowed', "the token's algorithm is not accepted");
    if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > MAX_KID_LENGTH)) return fail('malformed_token', "the token's kid is not a string of at most 256 characters");
    return { issuer, header };
  }
}

function keySource(entry: AuthConfig['jwt'][number], options: ResolvedAuthenticatorOptions, field: string, onKeysRemoved: () => void): KeySource {
  if (entry.jwksUrl !== undefined) {
    return new JwksSource({
      url: entry.jwksUrl,
      timeoutMs: entry.jwksTimeoutMs,
      cooldownMs: entry.jwksCooldownSec * 1000,
      maxAgeMs: entry.jwksMaxAgeSec * 1000,
      clock: options.clock,
      logger: options.logger,
      onKeysRemoved,
    });
  }
  if (entry.publicKeyFile !== undefined) return StaticKeySource.fromPemFile(entry.publicKeyFile, options.baseDir, entry.algorithms, `${field}.publicKeyFile`);
  // The schema guarantees exactly one source.
  return StaticKeySource.fromSecretEnv(entry.secretEnv ?? '', options.env, entry.algorithms, `${field}.secretEnv`);
}
