export { createLogger } from './logger.factory.js';
export { LoggingModule, type LoggingModuleAsyncOptions } from './logging.module.js';
export { ALWAYS_REDACTED, LOG_LEVELS, resolveLoggingOptions, type LoggingOptions } from './logging.options.js';
export { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
export { parseTraceparent, type TraceContext } from './traceparent.js';
export { type RequestBindings } from './request-logging.middleware.js';
export { LoggingError, LoggingErrorCode } from './logging.errors.js';
// nestjs-pino's Nest logger (`app.useLogger(app.get(Logger))`) and its injectable pino wrapper.
export { Logger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
