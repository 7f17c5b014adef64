import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/service` itself (boot-time problems). Callers switch on `code`. */
export const ServiceErrorCode = {
  /** An option given to `MeshwayServiceModule.forRoot` / `bootstrapService` is invalid. */
  InvalidOptions: 'MESHWAY_SERVICE_INVALID_OPTIONS',
  /** A NATS service could not connect to NATS at start. */
  NatsUnavailable: 'MESHWAY_SERVICE_NATS_UNAVAILABLE',
  /** `bootstrapService` was given a module that does not import `MeshwayServiceModule.forRoot`. */
  ModuleMissing: 'MESHWAY_SERVICE_MODULE_MISSING',
} as const;

export type ServiceErrorCode = (typeof ServiceErrorCode)[keyof typeof ServiceErrorCode];

export class ServiceError extends MeshwayError<ServiceErrorCode> {
  override readonly name = 'ServiceError';
}
