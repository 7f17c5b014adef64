export { type Transport, type ServiceInstance } from './service-instance.js';
export { createInstance, type InstanceFields } from './service-instance.factory.js';
export { type DiscoverySource, type DiscoverySnapshot, type Unsubscribe } from './discovery.source.js';
export { StaticDiscovery } from './static.discovery.js';
export { type KeyValueStore, type KvEntry, type KvSnapshot } from './kv.store.js';
export { ConsulKv } from './consul.kv.js';
export { MemoryKv } from './memory.kv.js';
export { ConsulDiscovery, SERVICES_WATCH_KEY, type DiscoveryStats } from './consul.discovery.js';
export { resolveDiscoveryOptions, DEFAULT_WAIT_SECONDS, type ConsulDiscoveryOptions, type ResolvedDiscoveryOptions } from './discovery.options.js';
export { DEFAULT_CONSUL_ADDR, type ConsulConnectionOptions } from './consul-connection.options.js';
export { type BackoffOptions, DEFAULT_BACKOFF } from './exponential.backoff.js';
export { type DiscoveryLogger, silentLogger } from './discovery.logger.js';
export { ServiceRegistrar } from './service.registrar.js';
export { resolveRegistrarOptions, DEFAULT_VERIFY_EVERY_MS, type RegistrarOptions, type RegistrarStats, type RegistryAgent } from './registrar.options.js';
export {
  buildRegistration,
  checkIdOf,
  DEFAULT_DEREGISTER_AFTER,
  DEFAULT_HTTP_INTERVAL,
  DEFAULT_TTL,
  type HttpCheck,
  type RegistrationCheck,
  type RegistrationInput,
  type ServiceRegistration,
  type TtlCheck,
} from './service-registration.js';
export { META, DEFAULT_WEIGHT, MAX_META_VALUE_LENGTH } from './meta-keys.js';
export { encodeRoutes, decodeRoutes, HTTP_METHODS, type HttpMethod, type RouteAnnouncement } from './route-announcement.codec.js';
export { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
