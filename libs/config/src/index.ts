export { loadConfig, type LoadConfigOptions } from './config.loader.js';
export { fields, LOG_LEVELS, type LogLevel, type IntFieldOptions } from './config.fields.js';
export { platformSchema, serviceSchema, type PlatformConfig, type ServiceConfig } from './platform.schema.js';
export { readConfigFile } from './config-file.reader.js';
export { ConfigError, ConfigErrorCode, type ConfigIssue } from './config.errors.js';
export { FileWatcher, contentVersion, type FileVersion, type FileWatcherOptions } from './file.watcher.js';
