import type { CheckOptions } from 'consul/lib/agent/check.js';
import type { RegisterOptions } from 'consul/lib/agent/service.js';
import { isDuration } from './consul-duration.js';
import { DEFAULT_WEIGHT, MAX_META_VALUE_LENGTH, META } from './meta-keys.js';
import { invalidOption } from './options.validation.js';
import { encodeRoutes, type RouteAnnouncement } from './route-announcement.codec.js';
import type { Transport } from './service-instance.js';

/** The registry probes `http` every `interval`. */
export interface HttpCheck {
  readonly http: string;
  /** Default `5s`. */
  readonly interval?: string;
  /** Default `2s`. */
  readonly timeout?: string;
  /** Default `1m`: the registry drops an instance critical for this long. */
  readonly deregisterCriticalServiceAfter?: string;
}

/** The service heartbeats (`agent/check/pass`) every ttl/3; critical when a `ttl` passes without one. */
export interface TtlCheck {
  readonly ttl: string;
  /** Default `1m`. */
  readonly deregisterCriticalServiceAfter?: string;
}

export type RegistrationCheck = HttpCheck | TtlCheck;

/** What is sent to `/v1/agent/service/register`. */
export interface ServiceRegistration {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly check: RegistrationCheck;
}

/** A service described in Meshway terms; {@link buildRegistration} turns it into a {@link ServiceRegistration}. */
export interface RegistrationInput {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly port: number;
  /** Default `http`. */
  readonly transport?: Transport;
  /** API version, e.g. `v1` (meta `meshway-version`). */
  readonly apiVersion?: string;
  /** Package version of the service, for `/info` (meta `meshway-service-version`). */
  readonly serviceVersion?: string;
  /** Balancing weight, integer ≥ 0 (default 100). */
  readonly weight?: number;
  /** Routes announced to the gateway (meta `meshway-routes`). */
  readonly routes?: readonly RouteAnnouncement[];
  /** Prefix the gateway strips before forwarding, e.g. `/api` (meta `meshway-strip-prefix`). */
  readonly stripPrefix?: string;
  readonly tags?: readonly string[];
  /** Extra meta, merged under the `meshway-*` keys. */
  readonly meta?: Readonly<Record<string, string>>;
  /** `http` (default: GET http://address:port/health every 5 s), `ttl` (heartbeat, 10 s) or a full check. */
  readonly check?: 'http' | 'ttl' | RegistrationCheck;
  /** Default `1m`. */
  readonly deregisterCriticalServiceAfter?: string;
}

export const DEFAULT_HTTP_INTERVAL = '5s';
export const DEFAULT_HTTP_TIMEOUT = '2s';
export const DEFAULT_TTL = '10s';
export const DEFAULT_DEREGISTER_AFTER = '1m';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,126}[A-Za-z0-9])?$/;
const ID = /^[^/\s?#]{1,256}$/;
const META_KEY = /^[A-Za-z0-9_-]{1,128}$/;

export function isTtlCheck(check: RegistrationCheck): check is TtlCheck {
  return 'ttl' in check;
}

/** `host:port` for a URL, bracketing IPv6 literals. */
export function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function buildCheck(input: RegistrationInput): RegistrationCheck {
  const deregisterCriticalServiceAfter = input.deregisterCriticalServiceAfter ?? DEFAULT_DEREGISTER_AFTER;
  const check = input.check ?? 'http';
  if (check === 'http') {
    return { http: `http://${hostPort(input.address, input.port)}/health`, interval: DEFAULT_HTTP_INTERVAL, timeout: DEFAULT_HTTP_TIMEOUT, deregisterCriticalServiceAfter };
  }
  if (check === 'ttl') return { ttl: DEFAULT_TTL, deregisterCriticalServiceAfter };
  if (typeof check !== 'object') throw invalidOption('check', check, '"http", "ttl", { http, interval?, timeout? } or { ttl }');
  return { deregisterCriticalServiceAfter, ...check };
}

function buildMeta(input: RegistrationInput): Record<string, string> {
  const weight = input.weight ?? DEFAULT_WEIGHT;
  if (!Number.isInteger(weight) || weight < 0 || weight > 1_000_000) throw invalidOption('weight', weight, 'an integer from 0 to 1000000');
  if (input.stripPrefix !== undefined && !/^\/[^\s?#]*$/.test(input.stripPrefix)) throw invalidOption('stripPrefix', input.stripPrefix, 'a path starting with "/", e.g. "/api"');
  const meta: Record<string, string> = { ...input.meta, [META.transport]: input.transport ?? 'http', [META.weight]: String(weight) };
  if (input.apiVersion !== undefined) meta[META.version] = input.apiVersion;
  if (input.serviceVersion !== undefined) meta[META.serviceVersion] = input.serviceVersion;
  if (input.routes !== undefined && input.routes.length > 0) meta[META.routes] = encodeRoutes(input.routes);
  if (input.stripPrefix !== undefined) meta[META.stripPrefix] = input.stripPrefix;
  return meta;
}

/** Builds the registry registration of a service: checks its fields and writes the `meshway-*` meta keys. */
export function buildRegistration(input: RegistrationInput): ServiceRegistration {
  const transport: unknown = input.transport; // checked at run time too: options often come from config files
  if (transport !== undefined && transport !== 'http' && transport !== 'nats') throw invalidOption('transport', transport, '"http" or "nats"');
  return validateRegistration({
    name: input.name,
    id: input.id,
    address: input.address,
    port: input.port,
    tags: input.tags ?? [],
    meta: buildMeta(input),
    check: buildCheck(input),
  });
}

function validateCheck(check: RegistrationCheck): void {
  const durations: [string, unknown][] = isTtlCheck(check)
    ? [['check.ttl', check.ttl]]
    : [['check.interval', check.interval ?? DEFAULT_HTTP_INTERVAL], ['check.timeout', check.timeout ?? DEFAULT_HTTP_TIMEOUT]];
  durations.push(['check.deregisterCriticalServiceAfter', check.deregisterCriticalServiceAfter ?? DEFAULT_DEREGISTER_AFTER]);
  for (const [name, value] of durations) if (!isDuration(value)) throw invalidOption(name, value, 'a duration such as "500ms", "10s", "1m" or "1m30s"');
  if (!isTtlCheck(check) && !/^https?:\/\/\S+$/.test(check.http)) throw invalidOption('check.http', check.http, 'an http:// or https:// URL');
}

/** Checks a registration against Consul's limits; throws MESHWAY_DISCOVERY_INVALID_OPTIONS naming the field. */
export function validateRegistration(registration: ServiceRegistration): ServiceRegistration {
  const { name, id, address, port, tags, meta } = registration;
  if (typeof name !== 'string' || !NAME.test(name)) throw invalidOption('name', name, 'letters, digits, "-" and "_", starting and ending with a letter or digit (DNS-safe)');
  if (typeof id !== 'string' || !ID.test(id)) throw invalidOption('id', id, 'a non-empty string without "/", "?", "#" or whitespace');
  if (typeof address !== 'string' || !/^[^\s/]+$/.test(address)) throw invalidOption('address', address, 'a host name or IP address');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalidOption('port', port, 'an integer from 1 to 65535');
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t === '')) throw invalidOption('tags', tags, 'an array of non-empty strings');
  const entries = Object.entries(meta);
  if (entries.length > 64) throw invalidOption('meta', `${entries.length} keys`, 'at most 64 keys');
  for (const [key, value] of entries) {
    if (!META_KEY.test(key)) throw invalidOption(`meta key`, key, 'letters, digits, "_" and "-", at most 128 characters');
    if (typeof value !== 'string' || value.length > MAX_META_VALUE_LENGTH) throw invalidOption(`meta.${key}`, value, `a string of at most ${MAX_META_VALUE_LENGTH} characters`);
  }
  validateCheck(registration.check);
  return registration;
}

/** Consul's check id for a service registered with one check. */
export function checkIdOf(registration: Pick<ServiceRegistration, 'id'>): string {
  return `service:${registration.id}`;
}

/** The `consul` client's register options (it maps them to Consul's PascalCase JSON). */
export function toAgentRegistration(registration: ServiceRegistration): RegisterOptions {
  const { check } = registration;
  const common = { checkid: checkIdOf(registration), name: `Service '${registration.name}' check`, deregistercriticalserviceafter: check.deregisterCriticalServiceAfter ?? DEFAULT_DEREGISTER_AFTER };
  // The client's typings require `timeout` on every check; a TTL check has none.
  const checkOptions = (
    isTtlCheck(check)
      ? { ...common, ttl: check.ttl }
      : { ...common, http: check.http, interval: check.interval ?? DEFAULT_HTTP_INTERVAL, timeout: check.timeout ?? DEFAULT_HTTP_TIMEOUT }
  ) as CheckOptions;
  return {
    name: registration.name,
    id: registration.id,
    address: registration.address,
    port: registration.port,
    tags: [...registration.tags],
    meta: { ...registration.meta },
    check: checkOptions,
  };
}
