import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage } from '@meshway/errors';
import { importSPKI, importX509, type JWSHeaderParameters } from 'jose';
import { invalidConfig } from './auth.errors.js';
import { keyMismatch, minSecretBytes, type JwtAlgorithm } from './jwt.algorithms.js';
import { KEY_UNAVAILABLE, type KeyResolution, type KeySource } from './key.source.js';

type Importer = (alg: JwtAlgorithm) => Promise<CryptoKey>;

/**
 * One key for every token of an issuer: a PEM public key (or certificate) file, or an HMAC secret from an environment
 * variable. Checked when built (file readable, a public key of the right type and size, secret long enough), so a bad one
 * fails at boot naming the field; imported once per algorithm on first use (jose would otherwise import it per token).
 */
export class StaticKeySource implements KeySource {
  private readonly imported = new Map<string, Promise<CryptoKey | undefined>>();

  private constructor(private readonly importer: Importer) {}

  /** The public key in `file` (relative to `baseDir`), for `algorithms`; `field` names it in errors (`auth.jwt[0].publicKeyFile`). */
  static fromPemFile(file: string, baseDir: string, algorithms: readonly JwtAlgorithm[], field: string): StaticKeySource {
    let pem: string;
    try {
      pem = readFileSync(resolve(baseDir, file), 'utf8');
    } catch (error) {
      throw invalidConfig(field, `cannot read ${JSON.stringify(file)}: ${errorMessage(error)}`);
    }
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw invalidConfig(field, `${JSON.stringify(file)} holds a private key; give the issuer's public key (or certificate)`);
    const certificate = pem.includes('-----BEGIN CERTIFICATE-----');
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch (error) {
      throw invalidConfig(field, `${JSON.stringify(file)} is not a PEM public key or certificate: ${errorMessage(error)}`);
    }
    for (const alg of algorithms) {
      const problem = keyMismatch(alg, key);
      if (problem !== undefined) throw invalidConfig(field, problem);
    }
    return new StaticKeySource((alg) => (certificate ? importX509(pem, alg) : importSPKI(pem, alg)));
  }

  /** The secret in env `name` (UTF-8 bytes), for HS `algorithms`; at least as many bytes as the largest hash (RFC 7518 §3.2). */
  static fromSecretEnv(name: string, env: Readonly<Record<string, string | undefined>>, algorithms: readonly JwtAlgorithm[], field: string): StaticKeySource {
    const value = env[name];
    if (value === undefined || value === '') throw invalidConfig(field, `environment variable ${name} is not set`);
    const secret = Buffer.from(value, 'utf8');
    for (const alg of algorithms) {
      const min = minSecretBytes(alg);
      if (secret.length < min) throw invalidConfig(field, `environment variable ${name} holds ${secret.length} bytes; ${alg} needs at least ${min}`);
    }
    return new StaticKeySource((alg) => crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']));
  }

  async resolve(header: JWSHeaderParameters): Promise<KeyResolution> {
    // The verifier has allow-listed `alg` before asking.
    const alg = header.alg as JwtAlgorithm;
    let key = this.imported.get(alg);
    if (key === undefined) {
      key = this.importer(alg).catch(() => undefined);
      this.imported.set(alg, key);
    }
    const found = await key;
    return found === undefined ? KEY_UNAVAILABLE : { keys: [found] };
  }

  warmUp(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    // Nothing in flight.
  }
}
