import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../gateway.errors.js';
import { ADMIN_TOKEN } from './admin.tokens.js';

const READS = new Set(['GET', 'HEAD']);
/** Open to anyone who can reach the admin port: a load balancer's health probe carries no token. */
const OPEN_PATHS = new Set(['/health']);

/** Equal-length digests, compared in constant time: neither the token's length nor a shared prefix leaks. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The admin API's gate. With `GATEWAY_ADMIN_TOKEN` set, everything but `/health` needs `Authorization: Bearer <token>`
 * (401 otherwise). Without one, the admin port (loopback by default) may be read, but nothing that changes state is
 * allowed (403): a configuration change always needs a token.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKEN) private readonly token: string | undefined) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const path = request.url.split('?', 1)[0] ?? '/';
    if (OPEN_PATHS.has(path)) return true;
    if (this.token === undefined) {
      if (READS.has(request.method)) return true;
      throw new GatewayError('MESHWAY_FORBIDDEN', 'Changing the gateway through the admin API needs GATEWAY_ADMIN_TOKEN to be set (and sent as a Bearer token).');
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]+)$/i.exec(header) : null;
    if (!match?.[1] || !sameToken(match[1], this.token)) {
      throw new GatewayError('MESHWAY_UNAUTHENTICATED', 'The admin API needs Authorization: Bearer <GATEWAY_ADMIN_TOKEN>.', {
        headers: { 'www-authenticate': 'Bearer realm="meshway-admin"' },
      });
    }
    return true;
  }
}
