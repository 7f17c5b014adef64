import type { HeaderValue } from './credentials.js';
import { CONSUMER_PATTERN, makeIdentity, SCOPE_PATTERN, type Identity } from './identity.js';

/**
 * The headers in which the gateway forwards who is calling to the services behind it. The gateway drops any `x-meshway-*`
 * header a client sends, so behind it these can only come from the gateway — and only there may a service believe them.
 */
export const IDENTITY_HEADERS = {
  /** The consumer's id. */
  consumer: 'x-meshway-consumer',
  /** Its scopes, space-separated. */
  scopes: 'x-meshway-scopes',
} as const;

/** The identity headers for an upstream request (scopes in a stable, sorted order). */
export function identityHeaders(identity: Identity): Record<(typeof IDENTITY_HEADERS)[keyof typeof IDENTITY_HEADERS], string> {
  return { [IDENTITY_HEADERS.consumer]: identity.consumer, [IDENTITY_HEADERS.scopes]: [...identity.scopes].sort().join(' ') };
}

function one(value: HeaderValue): string | undefined {
  if (typeof value === 'string') return value;
  return value?.length === 1 ? value[0] : undefined;
}

/**
 * The identity the gateway forwarded, or undefined when the consumer header is absent, repeated or not a consumer id, or a
 * scope is not a scope-token. Its `method` is `gateway`: how the caller proved itself to the gateway is not forwarded.
 */
export function identityFromHeaders(consumer: HeaderValue, scopes: HeaderValue): Identity | undefined {
  const id = one(consumer)?.trim();
  if (id === undefined || !CONSUMER_PATTERN.test(id)) return undefined;
  const scopeText = scopes === undefined ? '' : one(scopes);
  if (scopeText === undefined) return undefined;
  const list = scopeText.split(' ').filter((scope) => scope !== '');
  if (!list.every((scope) => SCOPE_PATTERN.test(scope))) return undefined;
  return makeIdentity(id, list, 'gateway');
}
