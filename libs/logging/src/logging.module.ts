import {
  Global,
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type FactoryProvider,
  type MiddlewareConsumer,
  type ModuleMetadata,
  type NestModule,
} from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import type pino from 'pino';
import { loggerFrom } from './logger.factory.js';
import { resolveLoggingOptions, type LoggingOptions } from './logging.options.js';
import { LOGGING_SETUP } from './logging.tokens.js';
import { requestLoggingMiddleware, type RequestMiddleware } from './request-logging.middleware.js';
import { rpcLoggingParams } from './rpc-logging.params.js';

interface LoggingSetup {
  logger: pino.Logger;
  middleware: RequestMiddleware;
  params: Params;
}

/** Options of `LoggingModule.forRootAsync`: build `LoggingOptions` from injected providers (e.g. the config). */
export interface LoggingModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => LoggingOptions | Promise<LoggingOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * Every path. Not nestjs-pino's default `{/*splat}`: @nestjs/platform-fastify 12.5 matches that one
 * against `/` only, which would leave every other route without request context.
 */
const ALL_ROUTES = { path: '{*path}', method: RequestMethod.ALL };

/** Holds the setup so the middleware and nestjs-pino's root logger share one logger. */
@Module({})
class LoggingSetupModule {}

/**
 * Structured logging for a Nest app on Fastify: nestjs-pino's `Logger`/`PinoLogger` backed by
 * `createLogger`, a request id and trace ids on every line of a request, one line per finished request.
 * Global because its middleware must run before nestjs-pino's (global) context middleware.
 * Use as the app logger: `app.useLogger(app.get(Logger))` (with `bufferLogs: true` at creation).
 */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(LOGGING_SETUP) private readonly setup: LoggingSetup) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.setup.middleware).forRoutes(ALL_ROUTES);
  }

  static forRoot(options: LoggingOptions): DynamicModule {
    return LoggingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: LoggingModuleAsyncOptions): DynamicModule {
    const setupModule: DynamicModule = {
      module: LoggingSetupModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: LOGGING_SETUP,
          useFactory: async (...args: never[]): Promise<LoggingSetup> => {
            const resolved = resolveLoggingOptions(await options.useFactory(...args));
            const logger = loggerFrom(resolved);
            const params: Params = {
              pinoHttp: { logger },
              // nestjs-pino only binds req.log (set by our middleware) into its AsyncLocalStorage.
              useExisting: true,
              forRoutes: [ALL_ROUTES],
              ...(resolved.microservice && { microservice: rpcLoggingParams() }),
            };
            return { logger, middleware: requestLoggingMiddleware(logger, resolved), params };
          },
          inject: options.inject ?? [],
        },
      ],
      exports: [LOGGING_SETUP],
    };
    return {
      module: LoggingModule,
      imports: [
        setupModule,
        LoggerModule.forRootAsync({
          imports: [setupModule],
          inject: [LOGGING_SETUP],
          useFactory: (setup: LoggingSetup): Params => setup.params,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
