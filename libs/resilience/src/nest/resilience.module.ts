import { ConfigurableModuleBuilder, Module, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DeadlineInterceptor } from './deadline.interceptor.js';
import type { ResilienceModuleOptions } from './resilience-module.options.js';
import { RESILIENCE_MODULE_OPTIONS } from './resilience.tokens.js';

const globalInterceptor: Provider = { provide: APP_INTERCEPTOR, useExisting: DeadlineInterceptor };

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<ResilienceModuleOptions>({
  optionsInjectionToken: RESILIENCE_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false, globalInterceptor: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), ...(extras.globalInterceptor ? [globalInterceptor] : [])],
  }))
  .build();

/**
 * Deadline propagation for a Nest app: `forRoot()` runs every HTTP and NATS handler inside its caller's
 * `x-request-timeout` (NATS handlers need `connectMicroservice(…, { inheritAppConfig: true })` to get app-wide
 * interceptors). `forRoot({ globalInterceptor: false })` only provides `DeadlineInterceptor` for `@UseInterceptors`.
 */
@Module({ providers: [DeadlineInterceptor], exports: [DeadlineInterceptor, RESILIENCE_MODULE_OPTIONS] })
export class ResilienceModule extends ConfigurableModuleClass {}
