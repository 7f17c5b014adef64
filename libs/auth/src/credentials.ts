import type { AuthFailureReason } from './auth.result.js';

/** A header as Node gives it: absent, one value, or every value when the caller collected duplicates (see {@link headerValues}). */
export type HeaderValue = string | readonly string[] | undefined;

/** The credentials of one request. */
export interface Credentials {
  /** The `Authorization` header (all of its values: a duplicate is refused, and Node's `req.headers` silently keeps only the first). */
  readonly authorization?: HeaderValue;
  /** The API key header (`x-api-key` unless configured otherwise). */
  readonly apiKey?: HeaderValue;
}

export type ParsedCredential =
  | { readonly kind: 'absent' }
  | { readonly kind: 'present'; readonly value: string }
  | { readonly kind: 'invalid'; readonly reason: AuthFailureReason; readonly message: string };

const ABSENT: ParsedCredential = { kind: 'absent' };
/** RFC 7235 auth-scheme (a token), then a space or the end; only the scheme is scanned, however long the header. */
const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: |$)/;
/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Is `token` an RFC 6750 b64token? Not part of {@link parseBearer}: scanning a 1 KB token costs ~1 µs, as much as the rest
 * of a cache hit, so the Authenticator asks only for tokens not in its cache (a cached token was checked before).
 */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}

/** Why a token is not a b64token, in the words of {@link parseBearer}'s refusals. */
export const NOT_B64TOKEN = { reason: 'malformed_request', message: 'the Bearer token has characters RFC 6750 does not allow' } as const;

/** One value of a header that must appear at most once; undefined when absent. */
function single(header: HeaderValue, name: string): ParsedCredential | string {
  if (header === undefined) return ABSENT;
  if (typeof header !== 'string') {
    if (header.length === 0) return ABSENT;
    if (header.length > 1) return { kind: 'invalid', reason: 'malformed_request', message: `more than one ${name} header` };
    return single(header[0], name);
  }
  const value = header.trim();
  return value === '' ? { kind: 'invalid', reason: 'malformed_request', message: `empty ${name} header` } : value;
}

/**
 * The Bearer token of an `Authorization` header (RFC 6750 §2.1, RFC 7235 §2.1): the scheme is case-insensitive (`bearer`
 * is fine), one or more spaces, then the token. Another scheme, a missing token, an empty or repeated header are invalid;
 * a token longer than `maxBytes` is refused by its length alone. Whether the token's characters form a b64token is left
 * to {@link isB64Token}.
 */
export function parseBearer(header: HeaderValue, maxBytes: number): ParsedCredential {
  const value = single(header, 'Authorization');
  if (typeof value !== 'string') return value;
  // A scheme is a short word: look at the head only, so a 100 KB header costs no more than a small one.
  const match = SCHEME.exec(value.length > 64 ? value.slice(0, 64) : value);
  if (!match) return { kind: 'invalid', reason: 'malformed_request', message: 'malformed Authorization header; expected Bearer <token>' };
  const scheme = match[1] ?? '';
  // A scheme alone is most likely a bare token (`Authorization: eyJ…`): say what is expected rather than "unknown scheme".
  if (scheme.toLowerCase() !== 'bearer' && value.length === scheme.length) return { kind: 'invalid', reason: 'malformed_request', message: 'malformed Authorization header; expected Bearer <token>' };
  if (scheme.toLowerCase() !== 'bearer') {
    const shown = scheme.length <= 20 ? `the ${scheme} scheme` : 'this scheme';
    return { kind: 'invalid', reason: 'unsupported_scheme', message: `${shown} is not accepted; send Authorization: Bearer <token>` };
  }
  const token = value.slice(scheme.length).trimStart();
  if (token === '') return { kind: 'invalid', reason: 'malformed_request', message: 'Bearer needs a token' };
  if (token.length > maxBytes) return { kind: 'invalid', reason: 'token_too_large', message: `the token is larger than ${maxBytes} bytes` };
  return { kind: 'present', value: token };
}

/** The API key of its header: at most one, not empty, at most `maxBytes` long (a longer one is refused unhashed). */
export function parseApiKey(header: HeaderValue, headerName: string, maxBytes: number): ParsedCredential {
  const value = single(header, headerName);
  if (typeof value !== 'string') return value;
  if (value.length > maxBytes) return { kind: 'invalid', reason: 'invalid_api_key', message: 'invalid API key' };
  return { kind: 'present', value };
}

/**
 * Every value of header `name` in Node's `rawHeaders` (`[name, value, name, value, …]`): a string when it appears once, an
 * array when repeated, undefined when absent. Use it for `Authorization`, which `req.headers` reduces to its first value.
 */
export function headerValues(rawHeaders: readonly string[], name: string): HeaderValue {
  const lower = name.toLowerCase();
  let found: string | string[] | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (key === undefined || key.length !== lower.length || key.toLowerCase() !== lower) continue;
    const value = rawHeaders[i + 1] ?? '';
    found = found === undefined ? value : typeof found === 'string' ? [found, value] : [...found, value];
  }
  return found;
}
