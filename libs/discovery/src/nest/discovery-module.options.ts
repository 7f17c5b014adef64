import type { ConsulConnectionOptions } from '../consul-connection.options.js';
import type { DiscoveryLogger } from '../discovery.logger.js';
import type { BackoffOptions } from '../exponential.backoff.js';
import { invalidOption as invalid } from '../options.validation.js';
import type { RouteAnnouncement } from '../route-announcement.codec.js';
import type { Transport } from '../service-instance.js';
import { buildRegistration, type RegistrationInput } from '../service-registration.js';

/** The service this app registers as. */
export interface DiscoveryServiceOptions {
  /** Registry service name, e.g. `billing`. */
  readonly name: string;
  /** Package version, shown by `/info` (meta `meshway-service-version`). */
  readonly version: string;
  readonly transport: Transport;
  /** Routes announced to the gateway (meta `meshway-routes`). */
  readonly routes?: readonly RouteAnnouncement[];
  /** Prefix the gateway strips before forwarding, e.g. `/api`. */
  readonly stripPrefix?: string;
  readonly tags?: readonly string[];
  /** Balancing weight (default 100; lower for a canary). */
  readonly weight?: number;
  /** API version, e.g. `v1` (meta `meshway-version`). */
  readonly apiVersion?: string;
  /** Extra registry meta. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** Options of `DiscoveryModule.forRoot` / `forRootAsync`. */
export interface DiscoveryModuleOptions {
  /** Required unless `register` is false. */
  readonly service?: DiscoveryServiceOptions;
  /** Registry address and token; default env `CONSUL_HTTP_ADDR` / `CONSUL_HTTP_TOKEN`, else http://127.0.0.1:8500. */
  readonly consul?: ConsulConnectionOptions;
  /** `http` (default): the registry GETs `/health` every 5 s. `ttl`: this app heartbeats every ttl/3 (10 s TTL). */
  readonly check?: 'http' | 'ttl';
  /** Register this app (default true). False for clients of discovery only, e.g. a gateway. */
  readonly register?: boolean;
  /** Address the registry and callers reach this app at. Default: the bound address, or for 0.0.0.0/:: the first external IPv4. */
  readonly address?: string;
  /**
   * Instance id to register under, asked once the listener is bound. Default `<name>-<hostname>-<port>-<4 hex>`.
   * `@meshway/service` passes its own identity here, so `/info` and the registry name the instance alike.
   */
  readonly instanceId?: () => string;
  /** On shutdown, how long (ms) to stay up in maintenance mode before deregistering, so callers stop picking it (default 1000). */
  readonly drainMs?: number;
  /** Longest blocking-query wait in seconds (default 60). */
  readonly waitSeconds?: number;
  readonly backoff?: BackoffOptions;
  /** Default: Nest's Logger with context `Discovery`. */
  readonly logger?: DiscoveryLogger;
  /** Metrics hook: a watch started or stopped serving stale answers. */
  readonly onStale?: (service: string, stale: boolean) => void;
}

export interface ResolvedDiscoveryModuleOptions extends DiscoveryModuleOptions {
  readonly register: boolean;
  readonly check: 'http' | 'ttl';
  readonly drainMs: number;
}

export const DEFAULT_DRAIN_MS = 1_000;

/** Validates module options at boot, so a bad service description fails `NestFactory.create`, not the first registration. */
export function resolveModuleOptions(options: DiscoveryModuleOptions): ResolvedDiscoveryModuleOptions {
  const register = options.register ?? true;
  if (typeof register !== 'boolean') throw invalid('register', register, 'true or false');
  const check = options.check ?? 'http';
  if (!['http', 'ttl'].includes(check)) throw invalid('check', check, '"http" or "ttl"');
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  if (!Number.isInteger(drainMs) || drainMs < 0 || drainMs > 60_000) throw invalid('drainMs', drainMs, 'an integer from 0 to 60000');
  if (options.address !== undefined && (typeof options.address !== 'string' || !/^[^\s/]+$/.test(options.address))) {
    throw invalid('address', options.address, 'a host name or IP address');
  }
  if (register) {
    if (options.service === undefined) throw invalid('service', undefined, 'a service description { name, version, transport, … } (or register: false)');
    if (typeof options.service.version !== 'string' || options.service.version === '') throw invalid('service.version', options.service.version, 'a non-empty string, e.g. "1.0.0"');
    // Same checks as at registration time, with a stand-in address and port (those are known only after listen).
    buildRegistration({ ...toRegistrationFields(options.service), id: 'boot-check', address: '127.0.0.1', port: 1, check });
  }
  return { ...options, register, check, drainMs };
}

/** The service description in the registration builder's terms. */
export function toRegistrationFields(service: DiscoveryServiceOptions): Omit<RegistrationInput, 'id' | 'address' | 'port'> {
  return {
    name: service.name,
    transport: service.transport,
    serviceVersion: service.version,
    ...(service.apiVersion === undefined ? {} : { apiVersion: service.apiVersion }),
    ...(service.weight === undefined ? {} : { weight: service.weight }),
    ...(service.routes === undefined ? {} : { routes: service.routes }),
    ...(service.stripPrefix === undefined ? {} : { stripPrefix: service.stripPrefix }),
    ...(service.tags === undefined ? {} : { tags: service.tags }),
    ...(service.meta === undefined ? {} : { meta: service.meta }),
  };
}
