import { createHash } from 'node:crypto';
import type { RateLimitBy } from './rate-limit.rule.js';

/** Every key starts with this, so rate-limit keys are easy to find (and to keep apart) in a shared Redis. */
export const KEY_PREFIX = 'meshway:rl:';

/** Longest route or id kept as written; anything longer is hashed. */
export const MAX_KEY_PART = 128;

/** Visible ASCII: an id may contain `:` (IPv6) because it is the last part of the key. */
const PLAIN_ID = /^[\x21-\x7e]{1,128}$/;
/** Visible ASCII and space, once `%` and `:` are escaped: a route is the middle of the key and must not contain `:`. */
const PLAIN_ROUTE = /^[\x20-\x7e]{1,128}$/;

/** `#` and 22 base64url characters of SHA-256 (132 bits). Input starting with `#` is hashed too, so a hashed part never equals a plain one. */
function hashed(value: string): string {
  return `#${createHash('sha256').update(value).digest('base64url').slice(0, 22)}`;
}

/**
 * An id as it goes into a key: kept when it is 1–128 visible ASCII characters not starting with `#`, hashed otherwise,
 * so hostile input (huge, binary, control characters) yields a short, printable key. Runs per request: one regex test.
 */
export function keyId(id: string): string {
  return PLAIN_ID.test(id) && id.charCodeAt(0) !== 35 ? id : hashed(id);
}

/** A route name as it goes into a key: `%` and `:` percent-escaped (so the key splits unambiguously), hashed when long or odd. */
export function keyRoute(route: string): string {
  const escaped = route.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
  return PLAIN_ROUTE.test(escaped) && escaped.charCodeAt(0) !== 35 ? escaped : hashed(route);
}

/** The part of a key before the id: `meshway:rl:<route>:<by>:`, built once per route. */
export function keyStem(route: string, by: RateLimitBy | 'ip'): string {
  return `${KEY_PREFIX}${keyRoute(route)}:${by}:`;
}

/** `meshway:rl:<route>:<by>:<id>`, each part made safe: the one shape of every rate-limit key. */
export function rateLimitKey(route: string, by: RateLimitBy, id: string): string {
  return keyStem(route, by) + keyId(id);
}
