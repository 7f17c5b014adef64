import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/discovery`. Callers switch on `code`, never on the message. */
export const DiscoveryErrorCode = {
  /** The registry did not answer (connection refused, timeout, 5xx) and no cached answer exists. */
  RegistryUnreachable: 'MESHWAY_REGISTRY_UNREACHABLE',
  /** The registry answered with something this client cannot use (4xx, bad JSON). */
  RegistryRejected: 'MESHWAY_REGISTRY_REJECTED',
  /** A `meshway-routes` meta value does not follow the announcement grammar. */
  InvalidRouteAnnouncement: 'MESHWAY_INVALID_ROUTE_ANNOUNCEMENT',
  /** Registering or deregistering this service failed. */
  RegistrationFailed: 'MESHWAY_REGISTRATION_FAILED',
  /** An option given to a discovery class is invalid. */
  InvalidOptions: 'MESHWAY_DISCOVERY_INVALID_OPTIONS',
  /** The discovery source or registrar was used after `close()` / `deregister()`. */
  Closed: 'MESHWAY_DISCOVERY_CLOSED',
} as const;

export type DiscoveryErrorCode = (typeof DiscoveryErrorCode)[keyof typeof DiscoveryErrorCode];

export class DiscoveryError extends MeshwayError<DiscoveryErrorCode> {
  override readonly name = 'DiscoveryError';
  /** The HTTP status the registry answered with, when it answered at all. */
  readonly status: number | undefined;

  constructor(code: DiscoveryErrorCode, message: string, options?: ErrorOptions & { readonly status?: number }) {
    super(code, message, options);
    this.status = options?.status;
  }
}

/** The registry's HTTP status behind an error, when it answered at all. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof DiscoveryError ? error.status : undefined;
}
