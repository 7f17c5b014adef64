import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { errorMessage } from '@meshway/errors';
import { TlsError, TlsErrorCode } from './tls.errors.js';

/** Where a TLS identity lives on disk (PEM files). */
export interface TlsFiles {
  /** Certificate chain (leaf first). */
  readonly certFile: string;
  readonly keyFile: string;
  /** CA bundle to verify the peer with (clients for a server with `requestClientCert`, servers for a client). */
  readonly caFile?: string;
}

/** The PEM contents of {@link TlsFiles}, as `tls`/`https`/undici options take them. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
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
  const options: SecureContextOptions = { cert: material.cert, key: material.key, ...(material.ca === undefined ? {} : { ca: material.ca }) };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new TlsError(TlsErrorCode.InvalidFiles, `TLS files ${files.certFile} / ${files.keyFile}${files.caFile ? ` / ${files.caFile}` : ''} do not make a usable identity: ${errorMessage(error)}`, { cause: error });
  }
  return options;
}

/** Reads and checks a TLS identity; throws MESHWAY_TLS_INVALID_FILES naming the file and what is wrong. */
export async function loadTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all([read(files.certFile, 'certificate'), read(files.keyFile, 'key'), files.caFile === undefined ? undefined : read(files.caFile, 'CA bundle')]);
  const material = { cert, key, ...(ca === undefined ? {} : { ca }) };
  checkMaterial(material, files);
  return material;
}
