import { encodeRoutes, type RouteAnnouncement } from '@meshway/discovery';
import { ServiceError, ServiceErrorCode } from './service.errors.js';

export const SERVICE_TRANSPORTS = ['http', 'nats'] as const;
export type ServiceTransport = (typeof SERVICE_TRANSPORTS)[number];

/** What a Meshway service says about itself; the same object goes to `forRoot` and `bootstrapService`. */
export interface ServiceOptions {
  /** Lower-case kebab service name, e.g. `billing`: registry name, NATS queue group, log `service` field. */
  readonly name: string;
  /** Service version (from package.json, see `packageVersion()`), shown by `/info`. */
  readonly version: string;
  /** `http`: plain controllers. `nats`: also a Nest NATS microservice, queue group = name. */
  readonly transport: ServiceTransport;
  /** What the gateway should route here (announced in registry meta). Default: none. */
  readonly routes?: readonly RouteAnnouncement[];
  /** Prefix the gateway strips before forwarding, e.g. `/api`. Default: none. */
  readonly stripPrefix?: string;
}

export interface ResolvedServiceOptions {
  readonly name: string;
  readonly version: string;
  readonly transport: ServiceTransport;
  readonly routes: readonly RouteAnnouncement[];
  readonly stripPrefix: string | undefined;
}

export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
const PREFIX_PATTERN = /^(?:\/[A-Za-z0-9._~-]+)+$/;

function invalid(option: string, given: unknown, allowed: string, cause?: unknown): ServiceError {
  const shown = given === undefined ? 'undefined' : JSON.stringify(given);
  const message = `Invalid service option ${option}=${shown}: expected ${allowed}`;
  return new ServiceError(ServiceErrorCode.InvalidOptions, message, cause === undefined ? undefined : { cause });
}

function checkRoutes(routes: readonly RouteAnnouncement[]): readonly RouteAnnouncement[] {
  try {
    encodeRoutes(routes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw invalid('routes', routes, `valid route announcements (${why})`, error);
  }
  return routes;
}

/** Applies defaults and validates; throws MESHWAY_SERVICE_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveServiceOptions(options: ServiceOptions): ResolvedServiceOptions {
  const { name, version, transport, routes = [], stripPrefix } = options;
  if (typeof name !== 'string' || !SERVICE_NAME_PATTERN.test(name)) {
    throw invalid('name', name, `lower-case kebab case matching ${String(SERVICE_NAME_PATTERN)}, e.g. "billing"`);
  }
  if (typeof version !== 'string' || version.trim() === '') throw invalid('version', version, 'a non-empty string, e.g. "1.0.0"');
  if (!(SERVICE_TRANSPORTS as readonly string[]).includes(transport)) {
    throw invalid('transport', transport, `one of ${SERVICE_TRANSPORTS.join(', ')}`);
  }
  if (stripPrefix !== undefined && !PREFIX_PATTERN.test(stripPrefix)) {
    throw invalid('stripPrefix', stripPrefix, 'a path prefix like "/api" (leading "/", no trailing "/")');
  }
  return { name, version, transport, routes: checkRoutes(routes), stripPrefix };
}
