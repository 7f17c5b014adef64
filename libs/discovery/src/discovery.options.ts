import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import { resolveConnection, type ConsulConnectionOptions, type ResolvedConnection } from './consul-connection.options.js';
import { silentLogger, type DiscoveryLogger } from './discovery.logger.js';
import { resolveBackoff, type BackoffOptions, type ResolvedBackoff } from './exponential.backoff.js';
import { integerOption, invalidOption } from './options.validation.js';

/** Options of {@link ConsulDiscovery}; every field has a default. */
export interface ConsulDiscoveryOptions extends ConsulConnectionOptions {
  /**
   * Longest a blocking query waits for a change, in seconds (1–600, default 60). Shorter than
   * Consul's own 5 min default so a half-dead connection is noticed within a minute.
   */
  readonly waitSeconds?: number;
  /** Backoff between failed queries (exponential, jittered). */
  readonly backoff?: BackoffOptions;
  /** Time for backoff sleeps (default: the system clock). */
  readonly clock?: Clock;
  /** Randomness for backoff jitter (default: `Math.random`). */
  readonly random?: Random;
  /** Gets one `warn` when the registry becomes unreachable and one `info` when it is back. */
  readonly logger?: DiscoveryLogger;
  /**
   * Called when a watch starts or stops serving a stale answer: per service name, and `"*"`
   * for the service list. For metrics (e.g. a gauge of stale watches).
   */
  readonly onStale?: (service: string, stale: boolean) => void;
}

export interface ResolvedDiscoveryOptions {
  readonly connection: ResolvedConnection;
  readonly waitSeconds: number;
  readonly backoff: ResolvedBackoff;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: DiscoveryLogger;
  readonly onStale: (service: string, stale: boolean) => void;
}

export const DEFAULT_WAIT_SECONDS = 60;

/** Checks a logger has the two methods discovery calls (options may come from plain JS or config). */
export function resolveLogger(logger: DiscoveryLogger | undefined): DiscoveryLogger {
  if (logger === undefined) return silentLogger;
  const candidate = logger as Partial<DiscoveryLogger> | null;
  if (typeof candidate?.warn !== 'function' || typeof candidate.info !== 'function') {
    throw invalidOption('logger', logger, 'an object with warn(obj, msg) and info(obj, msg) methods, e.g. a pino logger');
  }
  return logger;
}

/** Validates {@link ConsulDiscoveryOptions} and fills defaults (`env` supplies CONSUL_HTTP_ADDR / CONSUL_HTTP_TOKEN). */
export function resolveDiscoveryOptions(options: ConsulDiscoveryOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedDiscoveryOptions {
  const onStale = options.onStale ?? (() => undefined);
  if (typeof onStale !== 'function') throw invalidOption('onStale', onStale, 'a function (service, stale) => void');
  return {
    connection: resolveConnection(options, env),
    waitSeconds: integerOption('waitSeconds', options.waitSeconds, DEFAULT_WAIT_SECONDS, 1, 600),
    backoff: resolveBackoff(options.backoff),
    clock: options.clock ?? systemClock,
    random: options.random ?? mathRandom,
    logger: resolveLogger(options.logger),
    onStale,
  };
}
