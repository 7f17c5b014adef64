import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { errorMessage } from '@meshway/errors';
import { TlsError, TlsErrorCode } from './tls.errors.js';

/**
 * Where a TLS identity lives on disk (PEM files): a certificate chain with its key (a server, or a client presenting
 * itself for mTLS), and/or a CA bundle to verify the peer with. A client that only verifies servers gives just `caFile`.
 */
export interface TlsFiles {
  /** Certificate chain (leaf first); needs `keyFile`. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** CA bundle to verify the peer with (clients for a server requiring client certificates, servers for a client). */
  readonly caFile?: string;
}

/** The PEM contents of {@link TlsFiles}, as `tls`/`https`/undici options take them. */
export interface TlsMaterial {
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
}

/** Names the files of an identity, for messages. */
function describeFiles(files: TlsFiles): string {
  return [files.certFile, files.keyFile, files.caFile].filter((file) => file !== undefined).join(' / ');
}

async function read(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new TlsError(TlsErrorCode.InvalidFiles, `Cannot read the TLS ${what} ${file}: ${errorMessage(error)}`, { cause: error });
  }
}

/** Checks the material makes a working context (PEM parses, the key matches the certificate). */
export function checkMaterial(material: TlsMaterial, files: TlsFiles): SecureContextOptions {
  const options: SecureContextOptions = {
    ...(material.cert === undefined ? {} : { cert: material.cert }),
    ...(material.key === undefined ? {} : { key: material.key }),
    ...(material.ca === undefined ? {} : { ca: material.ca }),
  };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new TlsError(TlsErrorCode.InvalidFiles, `TLS files ${describeFiles(files)} do not make a usable identity: ${errorMessage(error)}`, { cause: error });
  }
  return options;
}

/** Checks the shape: a certificate needs its key, and there is something to load. */
export function checkFiles(files: TlsFiles): void {
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    throw new TlsError(TlsErrorCode.InvalidOptions, `A TLS certificate needs its key and a key its certificate: got ${files.certFile === undefined ? 'a key file only' : 'a certificate file only'}`);
  }
  if (files.certFile === undefined && files.caFile === undefined) throw new TlsError(TlsErrorCode.InvalidOptions, 'A TLS identity needs a certificate and key, a CA file, or both');
}

const optional = (file: string | undefined, what: string): Promise<string | undefined> => (file === undefined ? Promise.resolve(undefined) : read(file, what));

/** Reads and checks a TLS identity; throws MESHWAY_TLS_INVALID_FILES naming the file and what is wrong. */
export async function loadTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  checkFiles(files);
  const [cert, key, ca] = await Promise.all([optional(files.certFile, 'certificate'), optional(files.keyFile, 'key'), optional(files.caFile, 'CA bundle')]);
  const material = { ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }), ...(ca === undefined ? {} : { ca }) };
  checkMaterial(material, files);
  return material;
}
