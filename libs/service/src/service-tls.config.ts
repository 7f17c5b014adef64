import { ConfigError, type ServiceConfig } from '@meshway/config';
import { META } from '@meshway/discovery';
import type { UpstreamTlsOptions } from '@meshway/transport';

/** The service's HTTPS listener, from `SERVICE_TLS_*`. */
export interface ServiceTls {
  readonly certFile: string;
  readonly keyFile: string;
  /** CA client certificates must chain to; set exactly when `requireClientCert`. */
  readonly caFile: string | undefined;
  /** Refuse the handshake without a client certificate from `caFile` (mTLS). */
  readonly requireClientCert: boolean;
}

const PEM_FILE = 'a PEM file path';

function missing(variable: string, why: string): ConfigError {
  return ConfigError.invalid([{ variable, value: undefined, expected: `${PEM_FILE} (${why})` }]);
}

/**
 * The listener's TLS, or undefined for plain HTTP. Throws MESHWAY_CONFIG_INVALID naming the missing variable when the
 * settings only make half an identity — a certificate without its key, or client certificates required with no CA —
 * and when `SERVICE_TLS_CA_FILE` is given without `SERVICE_TLS_REQUIRE_CLIENT_CERT=true`, so no one believes a
 * listener checks client certificates when it does not.
 */
export function serviceTlsOf(config: ServiceConfig): ServiceTls | undefined {
  const { SERVICE_TLS_CERT_FILE: certFile, SERVICE_TLS_KEY_FILE: keyFile, SERVICE_TLS_CA_FILE: caFile, SERVICE_TLS_REQUIRE_CLIENT_CERT: requireClientCert } = config;
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined || requireClientCert) throw missing('SERVICE_TLS_CERT_FILE', 'client certificates are checked on a TLS listener: it needs SERVICE_TLS_CERT_FILE and SERVICE_TLS_KEY_FILE');
    return undefined;
  }
  if (certFile === undefined) throw missing('SERVICE_TLS_CERT_FILE', 'TLS needs both SERVICE_TLS_CERT_FILE and SERVICE_TLS_KEY_FILE');
  if (keyFile === undefined) throw missing('SERVICE_TLS_KEY_FILE', 'TLS needs both SERVICE_TLS_CERT_FILE and SERVICE_TLS_KEY_FILE');
  if (requireClientCert && caFile === undefined) throw missing('SERVICE_TLS_CA_FILE', 'SERVICE_TLS_REQUIRE_CLIENT_CERT=true needs the CA client certificates must chain to');
  if (!requireClientCert && caFile !== undefined) {
    throw ConfigError.invalid([
      { variable: 'SERVICE_TLS_REQUIRE_CLIENT_CERT', value: 'false', expected: 'true when SERVICE_TLS_CA_FILE is set (to require client certificates from that CA), or unset SERVICE_TLS_CA_FILE' },
    ]);
  }
  return { certFile, keyFile, caFile, requireClientCert };
}

/**
 * MeshClient's identity towards the services this one calls, from `MESHWAY_TLS_*` (the default for every service), or
 * undefined. A certificate without its key (or the reverse) is MESHWAY_CONFIG_INVALID naming the missing variable.
 */
export function meshClientTlsOf(config: ServiceConfig): UpstreamTlsOptions | undefined {
  const { MESHWAY_TLS_CA_FILE: caFile, MESHWAY_TLS_CERT_FILE: certFile, MESHWAY_TLS_KEY_FILE: keyFile } = config;
  if (certFile === undefined && keyFile !== undefined) throw missing('MESHWAY_TLS_CERT_FILE', 'a client identity needs both MESHWAY_TLS_CERT_FILE and MESHWAY_TLS_KEY_FILE');
  if (certFile !== undefined && keyFile === undefined) throw missing('MESHWAY_TLS_KEY_FILE', 'a client identity needs both MESHWAY_TLS_CERT_FILE and MESHWAY_TLS_KEY_FILE');
  if (caFile === undefined && certFile === undefined) return undefined;
  return { default: { ...(caFile === undefined ? {} : { caFile }), ...(certFile === undefined || keyFile === undefined ? {} : { certFile, keyFile }) } };
}

/**
 * What a TLS listener changes in the registration: meta `meshway-scheme: https` (the gateway and MeshClient then connect
 * with TLS) and a TTL check — the registry's HTTP check would speak plain HTTP to a TLS port, and it has no client
 * certificate to present to a listener that requires one.
 */
export function tlsRegistration(tls: ServiceTls | undefined): { options: { check?: 'ttl' }; meta: Record<string, string> } {
  return tls === undefined ? { options: {}, meta: {} } : { options: { check: 'ttl' }, meta: { [META.scheme]: 'https' } };
}
