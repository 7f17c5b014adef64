import { errorMessage } from '@meshway/errors';
import { Inject, Injectable, type ExecutionContext, type Type } from '@nestjs/common';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { Authenticator, type AuthRefused, type Identity } from '../index.js';
import { refuse } from './auth-refused.exception.js';
import { AUTH_STRATEGY, AUTHENTICATOR } from './auth.tokens.js';

function isRefusal(info: unknown): info is AuthRefused {
  return typeof info === 'object' && info !== null && (info as Partial<AuthRefused>).ok === false && typeof (info as Partial<AuthRefused>).code === 'string';
}

/**
 * A passport guard of one strategy that answers a refusal with its own code, message and `WWW-Authenticate` (passport's
 * default would be a bare 401). On success `request.user` is the caller's `Identity`.
 */
function credentialGuard(strategy: string, mode: 'jwt' | 'apiKey' | 'any'): Type<IAuthGuard> {
  @Injectable()
  class CredentialGuard extends AuthGuard(strategy) {
    constructor(@Inject(AUTHENTICATOR) private readonly authenticator: Authenticator) {
      super();
    }

    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the signature @nestjs/passport declares
    override handleRequest<TUser = Identity>(error: unknown, user: unknown, info: unknown, context: ExecutionContext): TUser {
      if (error !== null && error !== undefined) throw error instanceof Error ? error : new Error(errorMessage(error));
      if (user !== false && user !== null && user !== undefined) return user as TUser;
      throw refuse(context, isRefusal(info) ? info : this.authenticator.refusal('missing_credential', 'not authenticated', mode));
    }
  }
  return CredentialGuard;
}

/** Requires `Authorization: Bearer <JWT>`. */
export const JwtAuthGuard = credentialGuard(AUTH_STRATEGY.jwt, 'jwt');
/** Requires an API key. */
export const ApiKeyAuthGuard = credentialGuard(AUTH_STRATEGY.apiKey, 'apiKey');
/** Requires a JWT or an API key (not both). */
export const AnyAuthGuard = credentialGuard(AUTH_STRATEGY.any, 'any');
/**
 * Believes the gateway's identity headers. ONLY for services reachable through the gateway alone (private network, mTLS):
 * whoever can reach the service directly can claim any identity with these headers.
 */
export const TrustedIdentityGuard = credentialGuard(AUTH_STRATEGY.gateway, 'jwt');
