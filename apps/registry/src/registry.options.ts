import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import { RegistryError, RegistryErrorCode } from './registry.errors.js';
import { silentLogger, type RegistryLogger } from './registry.logger.js';

/** Options of {@link startRegistry}. Only `dataDir` is required. */
export interface RegistryOptions {
  /** Where the database lives (created if missing). */
  dataDir: string;
  /** TCP port; 0 picks a free one. Default 8500. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. Anything but loopback requires `aclToken`. */
  host?: string;
  /** When set, every request must carry it (`X-Consul-Token`, `?token=`, `Authorization: Bearer`). */
  aclToken?: string;
  /** This registry's node name in the catalog. Default: the host name (as Consul). */
  nodeName?: string;
  /** Datacenter name. Default `dc1`. */
  datacenter?: string;
  /** Address recorded for the registry's own node. Default: `host`, or 127.0.0.1 when bound to all interfaces. */
  advertiseAddress?: string;
  /** Checkpoint (fallback copy of the database) interval. Default 60 000 ms. */
  checkpointIntervalMs?: number;
  /** A check whose status is unchanged writes its new output at most this often (Consul's check_update_interval). Default 300 000 ms. */
  checkUpdateIntervalMs?: number;
  /** HTTP/TCP check intervals below this are raised to it (Consul's 1 s minimum). Default 1 000 ms. */
  minCheckIntervalMs?: number;
  /** Largest request body accepted (KV values are further limited to 512 KiB). Default 4 MiB. */
  maxBodyBytes?: number;
  clock?: Clock;
  random?: Random;
  logger?: RegistryLogger;
  /** Called when a durable commit fails; default: log and exit the process (memory and disk may differ). */
  onFatal?: (error: RegistryError) => void;
}

export type ResolvedRegistryOptions = Required<Omit<RegistryOptions, 'aclToken'>> & { aclToken: string | undefined };

export const DEFAULTS = {
  port: 8500,
  host: '127.0.0.1',
  datacenter: 'dc1',
  checkpointIntervalMs: 60_000,
  checkUpdateIntervalMs: 300_000,
  minCheckIntervalMs: 1_000,
  maxBodyBytes: 4 * 1024 * 1024,
} as const;

const invalid = (option: string, given: unknown, allowed: string): RegistryError =>
  new RegistryError(RegistryErrorCode.InvalidOptions, `Invalid registry option ${option}=${JSON.stringify(given)}: expected ${allowed}`);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Applies defaults and validates; throws naming the option, the value and what is allowed. */
export function resolveOptions(options: RegistryOptions): ResolvedRegistryOptions {
  const port = options.port ?? DEFAULTS.port;
  const host = options.host ?? DEFAULTS.host;
  const aclToken = options.aclToken === '' ? undefined : options.aclToken;
  if (typeof options.dataDir !== 'string' || options.dataDir === '') throw invalid('dataDir', options.dataDir, 'a directory path');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw invalid('port', port, 'an integer 0-65535');
  if (host === '' || (isIP(host) === 0 && host !== 'localhost')) throw invalid('host', host, 'an IP address or localhost');
  for (const [name, value] of positive(options)) if (!Number.isFinite(value) || value <= 0) throw invalid(name, value, 'a positive number');
  if (aclToken === undefined && !LOOPBACK.test(host)) {
    throw new RegistryError(
      RegistryErrorCode.OpenNonLoopback,
      `Refusing to listen on ${host} without an ACL token: set REGISTRY_ACL_TOKEN, or bind to 127.0.0.1 (an open registry stays on loopback)`,
    );
  }
  const logger = options.logger ?? silentLogger;
  return {
    dataDir: options.dataDir,
    port,
    host,
    aclToken,
    nodeName: options.nodeName ?? hostname(),
    datacenter: options.datacenter ?? DEFAULTS.datacenter,
    advertiseAddress: options.advertiseAddress ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    checkpointIntervalMs: options.checkpointIntervalMs ?? DEFAULTS.checkpointIntervalMs,
    checkUpdateIntervalMs: options.checkUpdateIntervalMs ?? DEFAULTS.checkUpdateIntervalMs,
    minCheckIntervalMs: options.minCheckIntervalMs ?? DEFAULTS.minCheckIntervalMs,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    clock: options.clock ?? systemClock,
    random: options.random ?? mathRandom,
    logger,
    onFatal: options.onFatal ?? defaultFatal(logger),
  };
}

function positive(options: RegistryOptions): [string, number][] {
  const names = ['checkpointIntervalMs', 'checkUpdateIntervalMs', 'minCheckIntervalMs', 'maxBodyBytes'] as const;
  return names.flatMap((name) => (options[name] === undefined ? [] : [[name, options[name]] as [string, number]]));
}

function defaultFatal(logger: RegistryLogger): (error: RegistryError) => void {
  return (error) => {
    logger.error({ code: error.code, error: String(error.cause) }, `${error.message}; stopping so a restart reloads the last durable state`);
    process.exit(70);
  };
}
