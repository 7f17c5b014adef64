export { startRegistry, REGISTRY_VERSION, type RunningRegistry } from './registry.server.js';
export { resolveOptions, DEFAULTS, type RegistryOptions, type ResolvedRegistryOptions } from './registry.options.js';
export { RegistryError, RegistryErrorCode } from './registry.errors.js';
export { type RegistryLogger, silentLogger } from './registry.logger.js';
