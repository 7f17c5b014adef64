import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Authenticator, identityFromHeaders, type AuthOutcome, type AuthResult, type Identity } from '../index.js';
import { CredentialStrategy } from './credential.strategy.js';
import { credentialsOf, identityHeadersOf } from './request.credentials.js';
import { AUTH_STRATEGY, AUTHENTICATOR } from './auth.tokens.js';

/** Every request of `mode`; no route check (a strategy exists even when the app configures nothing for its mode). */
function forMode(authenticator: Authenticator, mode: 'jwt' | 'apiKey' | 'any'): (request: unknown) => AuthOutcome {
  const route = { mode } as const;
  return (request) => authenticator.authenticate(route, credentialsOf(request, authenticator.apiKeyHeader));
}

/** `Authorization: Bearer <JWT>`, verified by the module's Authenticator (cached, JWKS-backed): strategy `jwt`. */
@Injectable()
export class JwtStrategy extends PassportStrategy(CredentialStrategy, AUTH_STRATEGY.jwt) {
  constructor(@Inject(AUTHENTICATOR) authenticator: Authenticator) {
    super(forMode(authenticator, 'jwt'));
  }

  validate(identity: Identity): Identity {
    return identity;
  }
}

/** The API key header (hashed, constant-time): strategy `api-key`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CredentialStrategy, AUTH_STRATEGY.apiKey) {
  constructor(@Inject(AUTHENTICATOR) authenticator: Authenticator) {
    super(forMode(authenticator, 'apiKey'));
  }

  validate(identity: Identity): Identity {
    return identity;
  }
}

/** A JWT or an API key, not both (the gateway's `auth: any`): strategy `meshway-any`. */
@Injectable()
export class AnyCredentialStrategy extends PassportStrategy(CredentialStrategy, AUTH_STRATEGY.any) {
  constructor(@Inject(AUTHENTICATOR) authenticator: Authenticator) {
    super(forMode(authenticator, 'any'));
  }

  validate(identity: Identity): Identity {
    return identity;
  }
}

/**
 * The identity the gateway forwards (`x-meshway-consumer`, `x-meshway-scopes`), believed as is: strategy `meshway-gateway`.
 * Only safe when the service can be reached through the gateway alone (a private network, or mTLS): anyone who can reach the
 * service directly can send these headers and be whoever they name.
 */
@Injectable()
export class TrustedIdentityStrategy extends PassportStrategy(CredentialStrategy, AUTH_STRATEGY.gateway) {
  constructor(@Inject(AUTHENTICATOR) authenticator: Authenticator) {
    const missing = authenticator.refusal('missing_credential', 'no identity forwarded by the gateway', 'jwt');
    super((request: unknown): AuthResult => {
      const { consumer, scopes } = identityHeadersOf(request);
      const identity = identityFromHeaders(consumer, scopes);
      return identity === undefined ? missing : { ok: true, identity };
    });
  }

  validate(identity: Identity): Identity {
    return identity;
  }
}
