import type { Clock } from '@meshway/clock';
import { errors, jwtVerify, type JWTPayload, type JWSHeaderParameters, type JWTVerifyOptions } from 'jose';
import type { JwtIssuerConfig } from './auth.config.js';
import type { AuthFailureReason, AuthGranted } from './auth.result.js';
import { CONSUMER_PATTERN, makeIdentity, scopesFromClaims } from './identity.js';
import type { KeySource } from './key.source.js';

/** A verification that failed: why (stable) and what the client may be told. */
export interface VerifyFailure {
  readonly ok: false;
  readonly reason: AuthFailureReason;
  readonly message: string;
}

/** A verified token: the answer to give, and until when (ms since the epoch) it may be served again from the cache. */
export interface Verified {
  readonly granted: AuthGranted;
  readonly expMs: number | undefined;
}

export const fail = (reason: AuthFailureReason, message: string): VerifyFailure => Object.freeze({ ok: false, reason, message });

/** One trusted issuer: its rules (iss, aud, algorithms, exp, leeway) and its keys. */
export class IssuerVerifier {
  readonly issuer: string;
  readonly algorithms: ReadonlySet<string>;
  readonly maxTokenBytes: number;
  private readonly rules: Omit<JWTVerifyOptions, 'currentDate'>;

  constructor(
    private readonly config: JwtIssuerConfig,
    readonly keys: KeySource,
    private readonly clock: Clock,
  ) {
    this.issuer = config.issuer;
    this.algorithms = new Set(config.algorithms);
    this.maxTokenBytes = config.maxTokenBytes;
    this.rules = {
      issuer: config.issuer,
      audience: [...config.audiences],
      algorithms: [...config.algorithms],
      clockTolerance: config.clockToleranceSec,
      requiredClaims: config.allowNoExpiry ? [] : ['exp'],
    };
  }

  /** Checks the signature with each candidate key, then the claims. Never rejects. */
  async verify(token: string, header: JWSHeaderParameters): Promise<Verified | VerifyFailure> {
    const resolution = await this.keys.resolve(header);
    if ('reason' in resolution) return fail(resolution.reason, resolution.message);
    let failure: unknown;
    for (const key of resolution.keys) {
      try {
        const { payload } = await jwtVerify(token, key, { ...this.rules, currentDate: new Date(this.clock.now()) });
        return this.identify(payload);
      } catch (error) {
        failure = error;
        // Several keys fit a token without `kid`: only a bad signature means "try the next one".
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    return classify(failure);
  }

  private identify(payload: JWTPayload): Verified | VerifyFailure {
    const consumer = payload[this.config.consumerClaim];
    if (typeof consumer !== 'string' || !CONSUMER_PATTERN.test(consumer)) {
      return fail('no_consumer', `the token's ${this.config.consumerClaim} claim names no consumer (visible ASCII, at most 256 characters)`);
    }
    const identity = makeIdentity(consumer, scopesFromClaims(payload), 'jwt', payload);
    return { granted: Object.freeze({ ok: true, identity }), expMs: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined };
  }
}

const CLAIM_MESSAGES: Readonly<Record<string, string>> = {
  iss: "the token's issuer is not accepted",
  aud: 'the token is not meant for this audience',
  exp: 'the token has no valid expiry (exp)',
  iat: "the token's iat claim is invalid",
  sub: "the token's sub claim is invalid",
};

/** jose's error → a stable reason and words that never repeat the token's content. */
function classify(error: unknown): VerifyFailure {
  if (error instanceof errors.JWTExpired) return fail('expired', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return fail('not_yet_valid', 'the token is not valid yet (nbf)');
    return fail('invalid_claims', CLAIM_MESSAGES[error.claim] ?? 'a claim of the token is invalid');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return fail('invalid_signature', "the token's signature is invalid");
  if (error instanceof errors.JOSEAlgNotAllowed) return fail('algorithm_not_allowed', "the token's algorithm is not accepted");
  return fail('malformed_token', 'the token could not be verified');
}
