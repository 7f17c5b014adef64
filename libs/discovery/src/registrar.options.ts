import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import type { ConsulApi } from './consul.api.js';
import { resolveConnection, type ConsulConnectionOptions, type ResolvedConnection } from './consul-connection.options.js';
import type { DiscoveryLogger } from './discovery.logger.js';
import { resolveLogger } from './discovery.options.js';
import { resolveBackoff, type BackoffOptions, type ResolvedBackoff } from './exponential.backoff.js';
import { integerOption } from './options.validation.js';

/** The agent endpoints the registrar uses; the Consul HTTP API by default. */
export type RegistryAgent = Pick<ConsulApi, 'register' | 'deregister' | 'passCheck' | 'hasService' | 'agentServices' | 'maintenance' | 'close'>;

/** Options of {@link ServiceRegistrar}; every field has a default. */
export interface RegistrarOptions extends ConsulConnectionOptions {
  /**
   * With an HTTP check, how often (ms) to ask the registry whether it still has this service, to
   * register again after it lost its data (default 10000). A TTL check learns that from its heartbeat.
   */
  readonly verifyEveryMs?: number;
  /** Backoff while the registry is unreachable during `register()`. */
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  readonly random?: Random;
  /** One `warn` when the registry becomes unreachable, one `info` when it is back or the service was re-registered. */
  readonly logger?: DiscoveryLogger;
  /** Talk to this agent instead of the Consul HTTP API at `addr` (an in-memory registry in unit tests). */
  readonly agent?: RegistryAgent;
}

export interface ResolvedRegistrarOptions {
  readonly connection: ResolvedConnection;
  readonly verifyEveryMs: number;
  readonly backoff: ResolvedBackoff;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: DiscoveryLogger;
  readonly agent: RegistryAgent | undefined;
}

/** Counters of a registrar, for metrics (monotonic). */
export interface RegistrarStats {
  /** Successful `agent/service/register` calls, re-registrations included. */
  readonly registrations: number;
  /** Successful TTL heartbeats. */
  readonly heartbeats: number;
  /** Failed registry calls. */
  readonly failures: number;
}

export const DEFAULT_VERIFY_EVERY_MS = 10_000;

/** Validates {@link RegistrarOptions} and fills defaults (`env` supplies CONSUL_HTTP_ADDR / CONSUL_HTTP_TOKEN). */
export function resolveRegistrarOptions(options: RegistrarOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedRegistrarOptions {
  return {
    connection: resolveConnection(options, env),
    verifyEveryMs: integerOption('verifyEveryMs', options.verifyEveryMs, DEFAULT_VERIFY_EVERY_MS, 100, 3_600_000),
    backoff: resolveBackoff(options.backoff),
    clock: options.clock ?? systemClock,
    random: options.random ?? mathRandom,
    logger: resolveLogger(options.logger),
    agent: options.agent,
  };
}
