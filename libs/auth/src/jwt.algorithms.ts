import type { KeyObject } from 'node:crypto';

/** The JWS algorithms an issuer may allow. `none` is not one of them, in any spelling. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Where the key of an algorithm comes from: a shared secret (HS*) or a public key (everything else). */
export function isHmacAlgorithm(alg: JwtAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export function minSecretBytes(alg: JwtAlgorithm): number {
  return Number(alg.slice(2)) / 8;
}

const EC_CURVES: Readonly<Record<string, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** Why `key` cannot verify `alg`, or undefined when it can (checked at boot, so a wrong PEM fails there, not per request). */
export function keyMismatch(alg: JwtAlgorithm, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS')) return type === 'rsa' ? rsaSize(key) : `${alg} needs an RSA key, the file holds ${String(type)}`;
  if (alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss' ? rsaSize(key) : `${alg} needs an RSA key, the file holds ${String(type)}`;
  if (alg.startsWith('ES')) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return type === 'ec' && curve === EC_CURVES[alg] ? undefined : `${alg} needs an EC ${String(EC_CURVES[alg])} key, the file holds ${String(type)} ${curve ?? ''}`.trim();
  }
  if (alg === 'EdDSA') return type === 'ed25519' ? undefined : `EdDSA needs an Ed25519 key, the file holds ${String(type)}`;
  return `${alg} takes a secret (secretEnv), not a public key`;
}

function rsaSize(key: KeyObject): string | undefined {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return bits >= 2048 ? undefined : `RSA keys must have at least 2048 bits, the file's has ${bits}`;
}
