import type { RouteAnnouncement } from '@meshway/discovery';
import type { FastifyInstance } from 'fastify';
import { ServiceError, ServiceErrorCode } from './service.errors.js';

export interface HttpRpcServerOptions {
  /** The app's Fastify instance (`app.getHttpAdapter().getInstance()`): the routes are added to it, before it listens. */
  readonly fastify: FastifyInstance;
  /** Service name, in error messages: `orders on "orders.get": …`. */
  readonly service: string;
  /** Announced routes; each one that names a subject is served by that subject's handler. Default: none. */
  readonly routes?: readonly RouteAnnouncement[];
  /** The prefix the gateway strips (the routes are served at the paths it forwards). Default: none. */
  readonly stripPrefix?: string;
  /** Largest request body, in bytes. Default: the Fastify instance's `bodyLimit` (Fastify's default: 1 MiB). */
  readonly bodyLimitBytes?: number;
}

export interface ResolvedHttpRpcServerOptions {
  readonly fastify: FastifyInstance;
  readonly service: string;
  readonly routes: readonly RouteAnnouncement[];
  readonly stripPrefix: string | undefined;
  readonly bodyLimitBytes: number;
}

/** Fastify's own default, for an instance that does not say. */
const FASTIFY_BODY_LIMIT = 1_048_576;

/** Applies defaults and validates; throws MESHWAY_SERVICE_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveHttpRpcOptions(options: HttpRpcServerOptions): ResolvedHttpRpcServerOptions {
  const bodyLimitBytes = options.bodyLimitBytes ?? options.fastify.initialConfig.bodyLimit ?? FASTIFY_BODY_LIMIT;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new ServiceError(ServiceErrorCode.InvalidOptions, `Invalid HttpRpcServer option bodyLimitBytes=${String(bodyLimitBytes)}: expected a positive integer (bytes)`);
  }
  return { fastify: options.fastify, service: options.service, routes: options.routes ?? [], stripPrefix: options.stripPrefix, bodyLimitBytes };
}
