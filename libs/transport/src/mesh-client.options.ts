import { createBalancer, isBalancerName, BALANCER_NAMES, type Balancer, type BalancerName } from '@meshway/balancing';
import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import { DEFAULT_POLICIES, ResilienceError, resolvePolicies, type ResilienceConfig } from '@meshway/resilience';
import type { DiscoverySource } from '@meshway/discovery';
import type { HttpPoolOptions } from './http.caller.js';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsSource } from './nats.caller.js';
import { showValue } from './show-value.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';
import { silentLogger, type TransportLogger } from './transport.logger.js';
import { checkUpstreamTls, type UpstreamTlsOptions } from './upstream/upstream-tls.js';

/** Options of {@link MeshClient}. Only `discovery` is required. */
export interface MeshClientOptions {
  /** Where instances come from (a `ConsulDiscovery`, or a `StaticDiscovery` in tests). The client does not close it. */
  readonly discovery: DiscoverySource;
  /** A strategy name (one balancer per service is made from it) or one Balancer shared by all services. Default `round-robin`. */
  readonly balancer?: BalancerName | Balancer;
  /** NATS servers (the client connects on first NATS call and closes on `close()`), or a connection you own. */
  readonly nats?: NatsSource;
  /** Time source for deadlines and latency (default the system clock). */
  readonly clock?: Clock;
  /** Budget of a call without `timeoutMs`/`deadline`, in ms (default 5,000). */
  readonly defaultTimeoutMs?: number;
  /** Where warnings go (pino's `(obj, msg)` order); quiet by default. */
  readonly logger?: TransportLogger;
  /** undici Pool settings per HTTP instance. */
  readonly http?: HttpPoolOptions;
  /**
   * Retries, budget, breaker, bulkhead and outlier ejection for every call (see `@meshway/resilience`; default
   * `DEFAULT_POLICIES`: 3 attempts for idempotent calls within a 20 % budget, a breaker per instance, ejection on).
   */
  readonly resilience?: ResilienceConfig;
  /** The same, per target service, over `resilience` (e.g. `{ billing: { retries: false, bulkhead: { maxConcurrent: 20 } } }`). */
  readonly services?: Readonly<Record<string, ResilienceConfig>>;
  /**
   * TLS towards HTTP instances (mTLS inside the mesh): `default` for every service and/or per service (which wins), each
   * `{ caFile?, certFile?, keyFile?, serverName? }` (PEM files, followed when they change). A service with an identity is
   * always called over HTTPS; one without is called over HTTPS only when its instance announces `meshway-scheme: https`.
   * Default: none.
   */
  readonly tls?: UpstreamTlsOptions;
}

export interface ResolvedMeshClientOptions {
  readonly discovery: DiscoverySource;
  /** Makes the balancer for a service. */
  readonly balancerFor: (service: string) => Balancer;
  readonly nats: NatsSource | undefined;
  readonly clock: Clock;
  readonly defaultTimeoutMs: number;
  readonly logger: TransportLogger;
  readonly http: Required<HttpPoolOptions>;
  readonly resilience: ResilienceConfig;
  readonly services: Readonly<Record<string, ResilienceConfig>>;
  readonly tls: UpstreamTlsOptions;
  readonly random: Random;
}

export const MESH_CLIENT_DEFAULTS = {
  balancer: 'round-robin',
  defaultTimeoutMs: 5_000,
  http: { connections: 32, keepAliveTimeoutMs: 4_000, connectTimeoutMs: 2_000 },
} as const;

function invalid(option: string, given: unknown, allowed: string): TransportError {
  return new TransportError(TransportErrorCode.InvalidOptions, `Invalid MeshClient option ${option}: got ${showValue(given)}; allowed: ${allowed}`);
}

function positiveInteger(option: string, given: unknown): number {
  if (typeof given !== 'number' || !Number.isInteger(given) || given <= 0) throw invalid(option, given, 'a positive integer');
  return given;
}

function resolveBalancer(balancer: BalancerName | Balancer, clock: Clock): (service: string) => Balancer {
  if (typeof balancer === 'object' && typeof balancer.pick === 'function' && typeof balancer.begin === 'function') return () => balancer;
  if (!isBalancerName(balancer)) throw invalid('balancer', balancer, `${BALANCER_NAMES.join(', ')}, or a Balancer`);
  return () => createBalancer(balancer, { clock });
}

function resolveNats(nats: NatsSource | undefined): NatsSource | undefined {
  if (nats === undefined || typeof (nats as Partial<NatsConnection>).request === 'function') return nats;
  const servers: unknown = (nats as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string' && s !== '')) {
    throw invalid('nats', nats, '{ servers: ["nats://host:4222", …] } (non-empty) or a NatsConnection');
  }
  return { servers: servers as string[] };
}

/** Checked at construction with the lib's own rules; the error names the option by its path (`services.users.retries.maxAttempts`). */
function resilienceOption(option: string, config: unknown): ResilienceConfig {
  try {
    resolvePolicies(config as ResilienceConfig, DEFAULT_POLICIES, option);
  } catch (error) {
    if (error instanceof ResilienceError && error.invalid) throw new TransportError(TransportErrorCode.InvalidOptions, `Invalid MeshClient option ${error.invalid.option}: ${error.invalid.problem}`, undefined, { cause: error });
    throw error;
  }
  return config as ResilienceConfig;
}

/** Fills defaults and validates; throws MESHWAY_TRANSPORT_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveOptions(options: MeshClientOptions): ResolvedMeshClientOptions {
  const discovery = (options as Partial<MeshClientOptions> | undefined)?.discovery;
  if (typeof discovery?.resolve !== 'function' || typeof discovery.watch !== 'function') {
    throw invalid('discovery', discovery, 'a DiscoverySource (ConsulDiscovery, StaticDiscovery, …)');
  }
  const clock = options.clock ?? systemClock;
  return {
    discovery,
    clock,
    balancerFor: resolveBalancer(options.balancer ?? MESH_CLIENT_DEFAULTS.balancer, clock),
    nats: resolveNats(options.nats),
    defaultTimeoutMs: positiveInteger('defaultTimeoutMs', options.defaultTimeoutMs ?? MESH_CLIENT_DEFAULTS.defaultTimeoutMs),
    logger: options.logger ?? silentLogger,
    resilience: resilienceOption('resilience', options.resilience ?? DEFAULT_POLICIES),
    services: Object.fromEntries(Object.entries(options.services ?? {}).map(([service, config]) => [service, resilienceOption(`services.${service}`, config)])),
    tls: checkUpstreamTls(options.tls ?? {}),
    random: mathRandom,
    http: {
      connections: positiveInteger('http.connections', options.http?.connections ?? MESH_CLIENT_DEFAULTS.http.connections),
      keepAliveTimeoutMs: positiveInteger('http.keepAliveTimeoutMs', options.http?.keepAliveTimeoutMs ?? MESH_CLIENT_DEFAULTS.http.keepAliveTimeoutMs),
      connectTimeoutMs: positiveInteger('http.connectTimeoutMs', options.http?.connectTimeoutMs ?? MESH_CLIENT_DEFAULTS.http.connectTimeoutMs),
    },
  };
}
