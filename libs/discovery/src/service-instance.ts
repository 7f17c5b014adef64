/** How a service is reached: plain HTTP, or NATS request-reply (Nest's NATS transport). */
export type Transport = 'http' | 'nats';

/** One running instance of a service, as the registry reports it (healthy ones only, unless said otherwise). */
export interface ServiceInstance {
  /** Unique instance id (Consul `ServiceID`). */
  readonly id: string;
  /** Service name (Consul `ServiceName`). */
  readonly service: string;
  /** Host or IP the instance listens on (falls back to the node address when the service has none). */
  readonly address: string;
  /** Port of the instance's HTTP listener (for NATS services: its health/info listener). */
  readonly port: number;
  readonly tags: readonly string[];
  /** Raw registry meta; the `meshway-*` keys are read into the fields below. */
  readonly meta: Readonly<Record<string, string>>;
  /** From meta `meshway-transport`; `http` when absent. */
  readonly transport: Transport;
  /** From meta `meshway-version` (API version, e.g. `v1`); undefined when absent. */
  readonly version: string | undefined;
  /** From meta `meshway-service-version` (the package version, semver, e.g. `1.4.0`): what versioned routes and releases select on. */
  readonly serviceVersion: string | undefined;
  /** From meta `meshway-scheme`: `https` when the instance's listener speaks TLS; `http` when absent. */
  readonly scheme: 'http' | 'https';
  /** From meta `meshway-weight` (canary / weighted balancing); 100 when absent. Integer ≥ 0. */
  readonly weight: number;
}
