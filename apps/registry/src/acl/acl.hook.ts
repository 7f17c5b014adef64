import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ConsulHttpError, RegistryErrorCode } from '../registry.errors.js';

/** Paths answered without a token: the liveness probe, which reveals nothing. */
const OPEN_PATHS = new Set(['/health']);

/** The token a request carries: `X-Consul-Token`, `?token=`, or `Authorization: Bearer …` (Consul's three ways). */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const query = (request.query as Record<string, unknown>)['token'];
  if (typeof query === 'string' && query !== '') return query;
  const auth = request.headers.authorization;
  const match = auth === undefined ? null : /^Bearer\s+(.+)$/i.exec(auth);
  return match?.[1]?.trim();
}

/**
 * With a token configured, every request must present it or get Consul's `403 Permission denied`.
 * Compared in constant time (over SHA-256 digests, so lengths leak nothing either).
 */
export function aclGuard(token: string | undefined): (request: FastifyRequest) => void {
  const expected = token === undefined ? undefined : digest(token);
  return (request) => {
    if (expected === undefined) return;
    if (OPEN_PATHS.has(request.url.split('?')[0] ?? '')) return;
    const given = requestToken(request);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new ConsulHttpError(RegistryErrorCode.PermissionDenied, 'Permission denied');
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
