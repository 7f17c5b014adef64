import { SetMetadata } from '@nestjs/common';
import { scopesSchema } from '../index.js';
import { SCOPES_KEY } from './auth.tokens.js';

/**
 * The scopes a caller must all hold for a handler (or every handler of a controller; a controller's and a handler's scopes
 * add up). Enforced by `ScopesGuard`, after an auth guard: `@UseGuards(JwtAuthGuard, ScopesGuard) @Scopes('orders:write')`.
 * Checked when the class is defined, so a bad scope fails at boot.
 */
export const Scopes = (...scopes: string[]): MethodDecorator & ClassDecorator => {
  const checked = scopesSchema.safeParse(scopes);
  if (!checked.success) throw new TypeError(`@Scopes: ${checked.error.issues.map((issue) => issue.message).join('; ')}`);
  return SetMetadata(SCOPES_KEY, Object.freeze([...scopes]));
};
