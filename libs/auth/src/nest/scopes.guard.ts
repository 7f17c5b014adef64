import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator, requireScopes, type Identity } from '../index.js';
import { refuse } from './auth-refused.exception.js';
import { AUTHENTICATOR, SCOPES_KEY } from './auth.tokens.js';

function isIdentity(user: unknown): user is Identity {
  return typeof user === 'object' && user !== null && typeof (user as Partial<Identity>).consumer === 'string' && (user as Partial<Identity>).scopes instanceof Set;
}

/**
 * Enforces `@Scopes(...)` on `request.user` (set by an auth guard that runs before it): 403 MESHWAY_FORBIDDEN naming the
 * missing scopes; 401 when no guard authenticated the request. Handlers without `@Scopes` pass.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndMerge<string[]>(SCOPES_KEY, [context.getHandler(), context.getClass()]);
    if (required.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: unknown }>().user;
    if (!isIdentity(user)) throw refuse(context, this.authenticator.refusal('missing_credential', 'not authenticated', 'jwt'));
    const result = requireScopes(user, required, this.authenticator.realm);
    if (!result.ok) throw refuse(context, result);
    return true;
  }
}
