import { z } from 'zod';
import { fields } from './config.fields.js';

/** Schemes the NATS client accepts in `NATS_URL`. */
const NATS_SCHEMES = ['nats', 'tls', 'ws', 'wss'] as const;

/** The platform's settings contract: every key, with its default. Services extend `serviceSchema` instead. */
export const platformSchema = z.object({
  REGISTRY_PORT: fields.port(8500),
  REGISTRY_HOST: fields.text('127.0.0.1'),
  REGISTRY_DATA_DIR: fields.text('.meshway/registry'),
  REGISTRY_ACL_TOKEN: fields.optionalText(),
  GATEWAY_PORT: fields.port(8080),
  GATEWAY_ADMIN_PORT: fields.port(8081),
  CONSUL_HTTP_ADDR: fields.url('http://127.0.0.1:8500', ['http', 'https']),
  CONSUL_HTTP_TOKEN: fields.optionalText(),
  NATS_URL: fields.urlList('nats://127.0.0.1:4222', NATS_SCHEMES),
  MESHWAY_TRANSPORT: fields.oneOf(['auto', 'http', 'nats'], 'auto'),
  LOG_LEVEL: fields.logLevel(),
});

/** What every Meshway service reads: how to reach the registry and NATS, where to listen, whether to register. */
export const serviceSchema = platformSchema
  .pick({ CONSUL_HTTP_ADDR: true, CONSUL_HTTP_TOKEN: true, NATS_URL: true, MESHWAY_TRANSPORT: true, LOG_LEVEL: true })
  .extend({
    /** 0 = any free port. */
    PORT: fields.port(0),
    HOST: fields.text('127.0.0.1'),
    /** Address to register in the registry; HOST when unset. */
    SERVICE_ADDRESS: fields.optionalText(),
    /** The version this instance announces, over the one in its package.json (run v2 of a service beside v1: canary releases). */
    SERVICE_VERSION: fields.optionalSemver(),
    /** Register in the registry on start (and deregister on stop). */
    MESHWAY_REGISTER: fields.bool(true),
    /** PEM certificate chain of the service's HTTPS listener; with `SERVICE_TLS_KEY_FILE`, the listener speaks TLS. */
    SERVICE_TLS_CERT_FILE: fields.optionalText(),
    SERVICE_TLS_KEY_FILE: fields.optionalText(),
    /** CA bundle client certificates must chain to (with `SERVICE_TLS_REQUIRE_CLIENT_CERT=true`). */
    SERVICE_TLS_CA_FILE: fields.optionalText(),
    /** Refuse TLS connections without a client certificate signed by `SERVICE_TLS_CA_FILE` (mTLS). */
    SERVICE_TLS_REQUIRE_CLIENT_CERT: fields.bool(false),
    /** CA that the services this one calls (MeshClient) must present certificates from; with it, calls go over HTTPS. */
    MESHWAY_TLS_CA_FILE: fields.optionalText(),
    /** Client certificate and key MeshClient presents to the services it calls (mTLS). */
    MESHWAY_TLS_CERT_FILE: fields.optionalText(),
    MESHWAY_TLS_KEY_FILE: fields.optionalText(),
  });

export type PlatformConfig = z.infer<typeof platformSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
