import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import type { z } from 'zod';
import { loadConfig, type LoadConfigOptions } from '../config.loader.js';
import { MESHWAY_CONFIG } from './config.tokens.js';

/** Options of `ConfigModule.forRoot()`: the schema to load plus `loadConfig`'s options (`env`, `file`). */
export interface ConfigModuleOptions extends LoadConfigOptions {
  schema: z.ZodObject;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<ConfigModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/**
 * Loads and validates configuration once at boot and provides it under `MESHWAY_CONFIG`
 * (inject with `@InjectConfig()`). A bad value fails the boot with the `ConfigError` message.
 * `ConfigModule.forRoot({ schema: serviceSchema, isGlobal: true })`; `forRootAsync` is available too.
 */
@Module({
  providers: [
    {
      provide: MESHWAY_CONFIG,
      useFactory: (options: ConfigModuleOptions): unknown => loadConfig(options.schema, options),
      inject: [MODULE_OPTIONS_TOKEN],
    },
  ],
  exports: [MESHWAY_CONFIG],
})
export class ConfigModule extends ConfigurableModuleClass {}
