export { DiscoveryModule } from './discovery.module.js';
export { DiscoveryRegistration, type RegisteredInstance } from './discovery-registration.service.js';
export { type DiscoveryModuleOptions, type DiscoveryServiceOptions, DEFAULT_DRAIN_MS } from './discovery-module.options.js';
export { DISCOVERY_SOURCE, SERVICE_REGISTRAR, DISCOVERY_MODULE_OPTIONS } from './discovery.tokens.js';
export { nestDiscoveryLogger } from './discovery.logger.adapter.js';
