import { dirname, resolve } from 'node:path';
import { AUTH_MODES, type AuthMode } from '@meshway/auth';
import { BALANCER_NAMES, type BalancerName } from '@meshway/balancing';
import { errorMessage } from '@meshway/errors';
import { parseRateLimitRule, type RateLimitRule } from '@meshway/rate-limit';
import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import { MemoryKv, type DiscoverySource, type KeyValueStore } from '@meshway/discovery';
import { GatewayConfigError } from './gateway.errors.js';
import { silentLogger, type GatewayLogger } from './gateway.logger.js';
import { DEFAULT_POLICIES, ResilienceError, resolvePolicies, type ResilienceConfig } from '@meshway/resilience';
import type { RouteDefaults } from './routing/route.definition.js';
import type { UpstreamTlsOptions } from '@meshway/transport';
import { resolveEdgeSecurityOptions, type EdgeSecurityOptions, type ResolvedEdgeSecurityOptions } from './security/edge-security.options.js';

/** Options of {@link startGateway}; everything but `discovery` has a default. */
export interface GatewayOptions {
  /** Where instances and announced routes come from (`ConsulDiscovery`, or `StaticDiscovery` in tests). */
  readonly discovery: DiscoverySource;
  /** Public (proxy) port; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** Admin port (`/health`, `/metrics`, `/routes`); 0 picks a free one. Default 8081. */
  readonly adminPort?: number;
  /** Interface the public (proxy) listener binds to. Default `127.0.0.1`; `0.0.0.0` to serve other hosts. */
  readonly host?: string;
  /** Interface the admin API binds to. Default `127.0.0.1`; anything else needs `adminToken`. */
  readonly adminHost?: string;
  /**
   * Bearer token the admin API requires for everything but `/health` (`GATEWAY_ADMIN_TOKEN`). Without one the admin API
   * is read-only and must stay on loopback.
   */
  readonly adminToken?: string;
  /** YAML or JSON routes file (see README); validated at boot. */
  readonly routesFile?: string;
  /** Routes given inline, in the routes file's `routes` format (merged after the file's). */
  readonly routes?: readonly unknown[];
  /**
   * Where the live configuration shared by gateway replicas lives (routes under `meshway/gateway/routes`, releases…):
   * a `ConsulKv` on the registry. Default: a `MemoryKv` (this process only).
   */
  readonly kv?: KeyValueStore;
  /**
   * NATS servers for NATS routes; without them NATS routes answer 503 MESHWAY_NATS_UNAVAILABLE.
   * `required: false` starts the gateway anyway (with a warning) when NATS does not answer.
   */
  readonly nats?: { readonly servers: string | readonly string[]; readonly required?: boolean };
  /**
   * HTTPS on its own port (`GATEWAY_TLS_CERT_FILE`, `GATEWAY_TLS_KEY_FILE`, `GATEWAY_TLS_PORT`), the certificate followed
   * when its files change; `redirectHttp` makes the plain port answer 308 to HTTPS.
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly port?: number; readonly redirectHttp?: boolean };
  /**
   * TLS towards upstream services (mTLS inside the mesh): a default identity and/or one per service — the CA their
   * certificates chain to and the client certificate to present. Instances of such services are reached over HTTPS.
   */
  readonly upstreamTls?: UpstreamTlsOptions;
  /** Serve the merged API document at `/openapi.json` and Swagger UI at `/docs` on the public port. Default true. */
  readonly docs?: boolean;
  /** Proxies in front of the gateway whose `X-Forwarded-For` is believed; how rate limits are counted (memory or Redis). */
  readonly security?: EdgeSecurityOptions;
  /** Route settings used when a route (announced ones always) leaves them out. */
  readonly defaults?: Partial<RouteDefaults>;
  /** Longest wait for in-flight requests on shutdown, ms. Default 10,000. */
  readonly drainTimeoutMs?: number;
  /** Largest request head accepted, bytes; bigger gets 431. Default 16,384 (Node's). */
  readonly maxHeaderSize?: number;
  /** Most keep-alive connections to one upstream instance. Default 128. */
  readonly upstreamConnections?: number;
  /** Time to connect to an upstream instance before it counts as unavailable, ms. Default 2,000. */
  readonly connectTimeoutMs?: number;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: GatewayLogger;
}

export interface ResolvedGatewayOptions extends Required<Omit<GatewayOptions, 'routesFile' | 'nats' | 'defaults' | 'adminToken' | 'tls' | 'security'>> {
  readonly security: ResolvedEdgeSecurityOptions;
  readonly routesFile: string | undefined;
  readonly tls: { readonly certFile: string; readonly keyFile: string; readonly port: number; readonly redirectHttp: boolean } | undefined;
  readonly adminToken: string | undefined;
  readonly nats: { readonly servers: readonly string[]; readonly required: boolean } | undefined;
  readonly defaults: RouteDefaults;
}

export const GATEWAY_DEFAULTS = {
  port: 8080,
  adminPort: 8081,
  tlsPort: 8443,
  host: '127.0.0.1',
  drainTimeoutMs: 10_000,
  maxHeaderSize: 16_384,
  upstreamConnections: 128,
  connectTimeoutMs: 2_000,
  route: { balancer: 'round-robin', timeoutMs: 30_000, bodyLimitBytes: 1_048_576, resilience: DEFAULT_POLICIES, auth: 'none', scopes: [], rateLimit: undefined } satisfies RouteDefaults,
} as const;

function invalid(option: string, given: unknown, allowed: string): GatewayConfigError {
  const shown = given === undefined ? 'nothing' : JSON.stringify(given);
  return new GatewayConfigError(`Invalid gateway option ${option}: got ${shown}; allowed: ${allowed}`);
}

function integer(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(option, value, `an integer from ${min} to ${max}`);
  return value;
}

function routeDefaults(given: Partial<RouteDefaults> = {}): RouteDefaults {
  const balancer: BalancerName = given.balancer ?? GATEWAY_DEFAULTS.route.balancer;
  if (!(BALANCER_NAMES as readonly string[]).includes(balancer)) throw invalid('defaults.balancer', balancer, BALANCER_NAMES.join(', '));
  return {
    balancer,
    timeoutMs: integer('defaults.timeoutMs', given.timeoutMs ?? GATEWAY_DEFAULTS.route.timeoutMs, 1, 3_600_000),
    bodyLimitBytes: integer('defaults.bodyLimitBytes', given.bodyLimitBytes ?? GATEWAY_DEFAULTS.route.bodyLimitBytes, 1, 2 ** 40),
    resilience: resilienceDefaults(given.resilience),
    auth: authModeOf(given.auth),
    scopes: given.scopes ?? GATEWAY_DEFAULTS.route.scopes,
    rateLimit: rateLimitOf(given.rateLimit),
  };
}

function authModeOf(mode: AuthMode | undefined): AuthMode {
  if (mode === undefined) return GATEWAY_DEFAULTS.route.auth;
  if (!(AUTH_MODES as readonly string[]).includes(mode)) throw invalid('defaults.auth', mode, AUTH_MODES.join(', '));
  return mode;
}

function rateLimitOf(rule: RateLimitRule | undefined): RateLimitRule | undefined {
  if (rule === undefined) return undefined;
  try {
    return parseRateLimitRule(rule, 'defaults.rateLimit');
  } catch (error) {
    throw new GatewayConfigError(errorMessage(error), { cause: error });
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function adminTokenOf(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  if (token.length < 16 || !/^[\x21-\x7e]+$/.test(token)) throw invalid('adminToken', '(hidden)', 'at least 16 visible ASCII characters');
  return token;
}

/** The admin API changes routing for everyone: without a token it never leaves loopback. */
function adminHostOf(options: GatewayOptions): string {
  const host = options.adminHost ?? GATEWAY_DEFAULTS.host;
  if (!LOOPBACK.has(host) && (options.adminToken ?? '') === '') throw invalid('adminHost', host, 'a loopback address, unless adminToken (GATEWAY_ADMIN_TOKEN) is set');
  return host;
}

/** The gateway-wide resilience defaults: the given ones over `DEFAULT_POLICIES`, validated like a routes file. */
function resilienceDefaults(given: ResilienceConfig | undefined): ResilienceConfig {
  if (given === undefined) return DEFAULT_POLICIES;
  try {
    resolvePolicies(given, DEFAULT_POLICIES, 'defaults.resilience');
  } catch (error) {
    if (error instanceof ResilienceError) throw new GatewayConfigError(error.message, { cause: error });
    throw error;
  }
  return { ...DEFAULT_POLICIES, ...given };
}

/** Fills defaults and validates; throws MESHWAY_GATEWAY_INVALID_CONFIG naming the option, the value and what is allowed. */
export function resolveOptions(options: GatewayOptions): ResolvedGatewayOptions {
  const { discovery } = options;
  if (typeof discovery !== 'object' || typeof discovery.watchServices !== 'function') throw invalid('discovery', typeof discovery, 'a DiscoverySource');
  const servers = options.nats === undefined ? undefined : typeof options.nats.servers === 'string' ? [options.nats.servers] : [...options.nats.servers];
  if (servers?.length === 0) throw invalid('nats.servers', servers, 'at least one NATS URL');
  return {
    discovery,
    port: integer('port', options.port ?? GATEWAY_DEFAULTS.port, 0, 65_535),
    adminPort: integer('adminPort', options.adminPort ?? GATEWAY_DEFAULTS.adminPort, 0, 65_535),
    host: options.host ?? GATEWAY_DEFAULTS.host,
    adminHost: adminHostOf(options),
    adminToken: adminTokenOf(options.adminToken),
    routesFile: options.routesFile,
    routes: options.routes ?? [],
    tls: options.tls && {
      certFile: options.tls.certFile,
      keyFile: options.tls.keyFile,
      port: integer('tls.port', options.tls.port ?? GATEWAY_DEFAULTS.tlsPort, 0, 65_535),
      redirectHttp: options.tls.redirectHttp ?? false,
    },
    kv: options.kv ?? new MemoryKv(),
    upstreamTls: options.upstreamTls ?? {},
    docs: options.docs ?? true,
    nats: servers === undefined ? undefined : { servers, required: options.nats?.required ?? true },
    defaults: routeDefaults(options.defaults),
    security: resolveEdgeSecurityOptions(options.security ?? {}, { baseDir: options.routesFile === undefined ? process.cwd() : dirname(resolve(options.routesFile)), env: process.env }, invalid),
    drainTimeoutMs: integer('drainTimeoutMs', options.drainTimeoutMs ?? GATEWAY_DEFAULTS.drainTimeoutMs, 0, 3_600_000),
    maxHeaderSize: integer('maxHeaderSize', options.maxHeaderSize ?? GATEWAY_DEFAULTS.maxHeaderSize, 1_024, 1_048_576),
    upstreamConnections: integer('upstreamConnections', options.upstreamConnections ?? GATEWAY_DEFAULTS.upstreamConnections, 1, 65_536),
    connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs ?? GATEWAY_DEFAULTS.connectTimeoutMs, 1, 600_000),
    clock: options.clock ?? systemClock,
    random: options.random ?? mathRandom,
    logger: options.logger ?? silentLogger,
  };
}
