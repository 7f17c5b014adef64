import type { JWSHeaderParameters } from 'jose';

/** The keys that may have signed a token, or why there are none. */
export type KeyResolution =
  | { readonly keys: readonly CryptoKey[] }
  | { readonly reason: 'unknown_key' | 'key_unavailable'; readonly message: string };

/** Where an issuer's verification keys come from: a JWKS URL, a PEM file or a shared secret. */
export interface KeySource {
  /** The candidate keys for a token's (already allow-listed) header. Never rejects. */
  resolve(header: JWSHeaderParameters): Promise<KeyResolution>;
  /** Loads what can be loaded ahead of the first token (a JWKS fetch); never rejects. */
  warmUp(): Promise<void>;
  /** Stops work in flight (a JWKS fetch). */
  close(): void;
}

export const UNKNOWN_KEY: KeyResolution = { reason: 'unknown_key', message: "the token's signing key is not known" };
export const KEY_UNAVAILABLE: KeyResolution = { reason: 'key_unavailable', message: "the issuer's keys could not be fetched" };
