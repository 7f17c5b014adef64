import { generate } from 'selfsigned';
/** A certificate with its key, and the CA that signed it (to verify the other side with). */
export interface DevIdentity {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** A throwaway certificate authority and the identities it signed: for tests and local development, never production. */
export interface DevCertificates {
  readonly ca: { readonly cert: string; readonly key: string };
  /** Server identity for `hosts` (DNS names and IPs in its subjectAltName), with the CA as `ca`. */
  readonly server: DevIdentity;
  /** Client identities by common name (for mTLS), each with the CA as `ca`. */
  readonly clients: Readonly<Record<string, DevIdentity>>;
}

export interface DevCertificateOptions {
  /** Names and addresses the server certificate is valid for. Default: localhost, 127.0.0.1, ::1. */
  readonly hosts?: readonly string[];
  /** Common names of client certificates to issue (mTLS). Default: none. */
  readonly clients?: readonly string[];
  /** Validity, days. Default 7. */
  readonly days?: number;
}

const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+:[0-9a-f:]*)$/i;

/**
 * Issues a fresh CA, a server certificate and client certificates in memory (EC P-256, SHA-256), so tests never
 * commit a private key and mTLS can be exercised end to end.
 */
export async function createDevCertificates(options: DevCertificateOptions = {}): Promise<DevCertificates> {
  const hosts = options.hosts ?? ['localhost', '127.0.0.1', '::1'];
  const notAfterDate = new Date(Date.now() + (options.days ?? 7) * 86_400_000);
  const base = { keyType: 'ec' as const, algorithm: 'sha256', notAfterDate };
  const ca = await generate([{ name: 'commonName', value: 'Meshway dev CA' }], {
    ...base,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const signer = { ca: { key: ca.private, cert: ca.cert } };
  const server = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    ...base,
    ...signer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((host) => (IP.test(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host })) },
    ],
  });
  const clients: Record<string, DevIdentity> = {};
  for (const name of options.clients ?? []) {
    const client = await generate([{ name: 'commonName', value: name }], {
      ...base,
      ...signer,
      extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }, { name: 'extKeyUsage', clientAuth: true }],
    });
    clients[name] = { cert: client.cert, key: client.private, ca: ca.cert };
  }
  return { ca: { cert: ca.cert, key: ca.private }, server: { cert: server.cert, key: server.private, ca: ca.cert }, clients };
}
