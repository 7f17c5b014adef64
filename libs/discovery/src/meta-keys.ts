/**
 * Registry meta keys Meshway reads and writes. Consul limits meta to 64 keys, keys to 128
 * characters of `[A-Za-z0-9_-]`, values to 512 characters — so these stay short and flat.
 */
export const META = {
  /** `http` | `nats`. */
  transport: 'meshway-transport',
  /** API version, e.g. `v1`. */
  version: 'meshway-version',
  /** Integer weight for weighted balancing / canary (default 100). */
  weight: 'meshway-weight',
  /** Routes the service exposes through the gateway; see `route-announcement.codec.ts`. */
  routes: 'meshway-routes',
  /** Prefix the gateway strips before forwarding to an HTTP service, e.g. `/api`. */
  stripPrefix: 'meshway-strip-prefix',
  /** Service version (package version) for `/info`. */
  serviceVersion: 'meshway-service-version',
  /** `http` when a NATS service runs in HTTP mode: it serves its message patterns at `POST /_meshway/rpc/:pattern`. */
  rpc: 'meshway-rpc',
  /** `https` when the instance's HTTP listener speaks TLS (callers then connect with TLS); `http` when absent. */
  scheme: 'meshway-scheme',
} as const;

export const DEFAULT_WEIGHT = 100;

/** Consul's limit on one meta value. */
export const MAX_META_VALUE_LENGTH = 512;
