export { ConfigModule, type ConfigModuleOptions } from './config.module.js';
export { InjectConfig } from './inject-config.decorator.js';
export { MESHWAY_CONFIG } from './config.tokens.js';
