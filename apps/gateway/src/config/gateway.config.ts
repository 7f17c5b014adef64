import { z } from 'zod';
import { ConfigError, fields, loadConfig, platformSchema } from '@meshway/config';

/** The gateway's settings: the platform's shared keys plus its own `GATEWAY_*` keys. */
export const gatewaySchema = platformSchema
  .pick({ GATEWAY_PORT: true, GATEWAY_ADMIN_PORT: true, CONSUL_HTTP_ADDR: true, CONSUL_HTTP_TOKEN: true, NATS_URL: true, MESHWAY_TRANSPORT: true, LOG_LEVEL: true })
  .extend({
    /** Interface the public port binds to; `0.0.0.0` to serve other hosts. */
    GATEWAY_HOST: fields.text('127.0.0.1'),
    /** Interface the admin port binds to; beyond loopback only with GATEWAY_ADMIN_TOKEN. */
    GATEWAY_ADMIN_HOST: fields.text('127.0.0.1'),
    /** Bearer token for the admin API (everything but /health); without it the admin API is read-only. */
    GATEWAY_ADMIN_TOKEN: fields.optionalText(),
    /** PEM certificate chain and key: together they turn on HTTPS on GATEWAY_TLS_PORT (reloaded when the files change). */
    GATEWAY_TLS_CERT_FILE: fields.optionalText(),
    GATEWAY_TLS_KEY_FILE: fields.optionalText(),
    GATEWAY_TLS_PORT: fields.port(8443),
    /** With TLS on: the plain port answers 308 to HTTPS instead of serving. */
    GATEWAY_TLS_REDIRECT: fields.bool(false),
    /** mTLS towards services: the CA their certificates chain to, and the client certificate + key the gateway presents. */
    GATEWAY_UPSTREAM_CA_FILE: fields.optionalText(),
    GATEWAY_UPSTREAM_CERT_FILE: fields.optionalText(),
    GATEWAY_UPSTREAM_KEY_FILE: fields.optionalText(),
    /** YAML or JSON routes file; routes services announce in the registry need none. */
    GATEWAY_ROUTES_FILE: fields.optionalText(),
    /** Longest wait for in-flight requests on SIGTERM, ms. */
    GATEWAY_DRAIN_TIMEOUT_MS: fields.int({ min: 0, max: 3_600_000, default: 10_000 }),
    /** Route timeout when a route sets none, ms. */
    GATEWAY_DEFAULT_TIMEOUT_MS: fields.int({ min: 1, max: 3_600_000, default: 30_000 }),
    /** Request body limit when a route sets none, bytes. */
    GATEWAY_BODY_LIMIT_BYTES: fields.int({ min: 1, max: 2 ** 40, default: 1_048_576 }),
    /** `consul` (the registry at CONSUL_HTTP_ADDR) or `static` (GATEWAY_STATIC_UPSTREAMS, for setups without a registry). */
    GATEWAY_DISCOVERY: fields.oneOf(['consul', 'static'], 'consul'),
    /** For static discovery: `service=host:port host:port;other=host:port`. */
    GATEWAY_STATIC_UPSTREAMS: fields.optionalText(),
    /** Proxies in front of the gateway whose X-Forwarded-For is believed: comma list of addresses, CIDRs, loopback/linklocal/uniquelocal. */
    GATEWAY_TRUSTED_PROXIES: fields.optionalText(),
    /** Where rate limits are counted: `memory` (this gateway), `redis` (replicas share counts at REDIS_URL), `auto` (redis when REDIS_URL is set). */
    GATEWAY_RATE_LIMIT_STORE: fields.oneOf(['auto', 'memory', 'redis'], 'auto'),
    /** While Redis cannot be asked: `open` lets requests through, `closed` answers 503 MESHWAY_RATE_LIMIT_UNAVAILABLE. */
    GATEWAY_RATE_LIMIT_FAIL_MODE: fields.oneOf(['open', 'closed'], 'open'),
    /** Redis for shared rate limits, e.g. redis://127.0.0.1:6379. */
    REDIS_URL: fields.url(undefined, ['redis', 'rediss']).optional(),
  });

export type GatewayConfig = z.infer<typeof gatewaySchema>;

/** The TLS settings, when both files are given; one without the other is a configuration error naming the missing one. */
export function tlsOf(config: GatewayConfig): { certFile: string; keyFile: string; port: number; redirectHttp: boolean } | undefined {
  const { GATEWAY_TLS_CERT_FILE: certFile, GATEWAY_TLS_KEY_FILE: keyFile } = config;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw ConfigError.invalid([{ variable: certFile ? 'GATEWAY_TLS_KEY_FILE' : 'GATEWAY_TLS_CERT_FILE', value: undefined, expected: 'a PEM file path (TLS needs both GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE)' }]);
  }
  return { certFile, keyFile, port: config.GATEWAY_TLS_PORT, redirectHttp: config.GATEWAY_TLS_REDIRECT };
}

/** Reads and validates the gateway's settings; throws one ConfigError listing every bad value. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>> = process.env): GatewayConfig {
  return loadConfig(gatewaySchema, { env });
}

/** The default upstream TLS identity from the environment, when any of its files is given. */
export function upstreamTlsOf(config: GatewayConfig): { caFile?: string; certFile?: string; keyFile?: string } | undefined {
  const { GATEWAY_UPSTREAM_CA_FILE: caFile, GATEWAY_UPSTREAM_CERT_FILE: certFile, GATEWAY_UPSTREAM_KEY_FILE: keyFile } = config;
  if (!caFile && !certFile && !keyFile) return undefined;
  return { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) };
}

/** How the gateway counts rate limits and which proxies it believes, from the environment. */
export function securityOf(config: GatewayConfig): { trustedProxies: string[]; rateLimit: { store: 'memory' | 'redis'; failMode: 'open' | 'closed'; redisUrl?: string } } {
  const trustedProxies = (config.GATEWAY_TRUSTED_PROXIES ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const store = config.GATEWAY_RATE_LIMIT_STORE === 'auto' ? (config.REDIS_URL === undefined ? 'memory' : 'redis') : config.GATEWAY_RATE_LIMIT_STORE;
  return { trustedProxies, rateLimit: { store, failMode: config.GATEWAY_RATE_LIMIT_FAIL_MODE, ...(config.REDIS_URL === undefined ? {} : { redisUrl: config.REDIS_URL }) } };
}
