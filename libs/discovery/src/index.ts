export { type Transport, type ServiceInstance } from './service-instance.js';
export { createInstance, type InstanceFields } from './service-instance.factory.js';
export { type DiscoverySource, type DiscoverySnapshot, type Unsubscribe } from './discovery.source.js';
export { StaticDiscovery } from './static.discovery.js';
export { META, DEFAULT_WEIGHT, MAX_META_VALUE_LENGTH } from './meta-keys.js';
export { encodeRoutes, decodeRoutes, HTTP_METHODS, type HttpMethod, type RouteAnnouncement } from './route-announcement.codec.js';
export { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
