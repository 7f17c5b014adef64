import { HttpException, type ExecutionContext } from '@nestjs/common';
import { refusalError, type AuthRefused, type RefusalCode } from '../index.js';

/**
 * A refused request: 401 MESHWAY_UNAUTHENTICATED or 403 MESHWAY_FORBIDDEN, with the repo's error body
 * `{ error: { code, message } }`. {@link refuse} sets `WWW-Authenticate` on the response before throwing it.
 */
export class AuthRefusedException extends HttpException {
  readonly code: RefusalCode;

  constructor(readonly refusal: AuthRefused) {
    super({ error: { code: refusal.code, message: refusal.message } }, refusal.status, { cause: refusalError(refusal) });
    this.code = refusal.code;
    this.message = refusal.message;
  }
}

/** Sets a header on a Fastify reply (`header()`) or a Node/Express response (`setHeader()`). */
function setHeader(response: unknown, name: string, value: string): void {
  const r = response as { header?: (n: string, v: string) => unknown; setHeader?: (n: string, v: string) => unknown } | null;
  if (typeof r?.header === 'function') r.header(name, value);
  else if (typeof r?.setHeader === 'function') r.setHeader(name, value);
}

/** Puts the refusal's `WWW-Authenticate` on the response and returns the exception to throw. */
export function refuse(context: ExecutionContext, refusal: AuthRefused): AuthRefusedException {
  if (refusal.wwwAuthenticate !== undefined) setHeader(context.switchToHttp().getResponse(), 'www-authenticate', refusal.wwwAuthenticate);
  return new AuthRefusedException(refusal);
}
