import type { JWTPayload } from 'jose';

/** How a caller proved who it is; `gateway` when a service behind the gateway trusts the identity headers it forwards. */
export type AuthMethod = 'jwt' | 'apiKey' | 'gateway';

/** An authenticated caller. Shared between requests (the token cache hands out the same object): never mutate it. */
export interface Identity {
  /** Who is calling: the JWT's consumer claim (default `sub`) or the API key's consumer name. */
  readonly consumer: string;
  /** What it may do; read-only (its `add`, `delete` and `clear` throw). */
  readonly scopes: ReadonlySet<string>;
  readonly method: AuthMethod;
  /** The verified JWT claims (JWT only). */
  readonly claims?: Readonly<JWTPayload>;
}

/** A consumer id: visible ASCII, at most 256 characters, so it travels safely in a header (`x-meshway-consumer`). */
export const CONSUMER_PATTERN = /^[\x21-\x7e]{1,256}$/;
/** An OAuth scope-token (RFC 6749 §3.3): visible ASCII but `"` and `\`. */
export const SCOPE_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

class FrozenSet<T> extends Set<T> {
  private sealed = false;

  constructor(values: Iterable<T>) {
    super(values);
    this.sealed = true;
  }

  override add(value: T): this {
    // Set's constructor calls add(); after that the set is read-only.
    if (this.sealed) throw new TypeError('Identity scopes are read-only');
    return super.add(value);
  }

  override delete(): boolean {
    throw new TypeError('Identity scopes are read-only');
  }

  override clear(): void {
    throw new TypeError('Identity scopes are read-only');
  }
}

/** A set that cannot be changed after it is made: identities are shared, a mutation would leak into other requests. */
export function frozenScopes(scopes: Iterable<string>): ReadonlySet<string> {
  return new FrozenSet(scopes);
}

/** Builds a frozen identity. */
export function makeIdentity(consumer: string, scopes: Iterable<string>, method: AuthMethod, claims?: JWTPayload): Identity {
  const identity: Identity = claims === undefined ? { consumer, scopes: frozenScopes(scopes), method } : { consumer, scopes: frozenScopes(scopes), method, claims: Object.freeze({ ...claims }) };
  return Object.freeze(identity);
}

function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ');
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Scopes from a JWT's claims: `scope` (space-separated, RFC 8693), `scp` (an array, or space-separated as Azure AD sends it)
 * and `scopes` (an array), merged. Values that are not scope-tokens are dropped (they could not be forwarded in a header).
 */
export function scopesFromClaims(claims: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  for (const value of [...words(claims.scope), ...words(claims.scp), ...words(claims.scopes)]) {
    if (SCOPE_PATTERN.test(value)) scopes.add(value);
  }
  return scopes;
}
