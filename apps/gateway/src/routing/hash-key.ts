import type { Exchange } from '../chain/exchange.js';
import { headerValue } from '../proxy/incoming-headers.js';

/**
 * What a `consistent-hash` route hashes on (routes file `hashOn`): a request header, a cookie, a path parameter, or
 * the client IP (the default). The same key always lands on the same instance while the instance set is unchanged.
 */
export type HashOn = { readonly from: 'header' | 'cookie' | 'param'; readonly name: string } | { readonly from: 'ip' };

export const HASH_ON_FORMAT = '"ip", "header:<name>", "cookie:<name>" or "param:<name>"';

/** Reads `header:x-user-id`, `cookie:session`, `param:id` or `ip`; undefined when malformed. */
export function parseHashOn(text: string): HashOn | undefined {
  if (text === 'ip') return { from: 'ip' };
  const colon = text.indexOf(':');
  const from = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (colon <= 0 || name === '' || !/^[A-Za-z0-9_.-]+$/.test(name)) return undefined;
  if (from === 'header') return { from, name: name.toLowerCase() };
  return from === 'cookie' || from === 'param' ? { from, name } : undefined;
}

export function describeHashOn(hashOn: HashOn): string {
  return hashOn.from === 'ip' ? 'ip' : `${hashOn.from}:${hashOn.name}`;
}


function cookieOf(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The request's hash key; a request without the header/cookie/parameter falls back to its client IP. */
export function hashKeyOf(ex: Exchange, hashOn: HashOn): string {
  let key: string | undefined;
  if (hashOn.from === 'header') key = headerValue(ex.headers.forward, hashOn.name);
  else if (hashOn.from === 'cookie') key = cookieOf(headerValue(ex.headers.forward, 'cookie'), hashOn.name);
  else if (hashOn.from === 'param') key = ex.params[hashOn.name];
  return key ?? ex.clientIp;
}
