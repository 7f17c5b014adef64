import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { ConsulDiscovery } from '../consul.discovery.js';
import { ServiceRegistrar } from '../service.registrar.js';
import { resolveModuleOptions, type DiscoveryModuleOptions, type ResolvedDiscoveryModuleOptions } from './discovery-module.options.js';
import { DiscoveryRegistration } from './discovery-registration.service.js';
import { nestDiscoveryLogger } from './discovery.logger.adapter.js';
import { DISCOVERY_MODULE_OPTIONS, DISCOVERY_SOURCE, RESOLVED_DISCOVERY_OPTIONS, SERVICE_REGISTRAR } from './discovery.tokens.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<DiscoveryModuleOptions>({
  optionsInjectionToken: DISCOVERY_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

function createDiscovery(options: ResolvedDiscoveryModuleOptions): ConsulDiscovery {
  return new ConsulDiscovery({
    ...options.consul,
    logger: options.logger ?? nestDiscoveryLogger(),
    ...(options.waitSeconds === undefined ? {} : { waitSeconds: options.waitSeconds }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.onStale === undefined ? {} : { onStale: options.onStale }),
  });
}

function createRegistrar(options: ResolvedDiscoveryModuleOptions): ServiceRegistrar {
  return new ServiceRegistrar({
    ...options.consul,
    logger: options.logger ?? nestDiscoveryLogger(),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  });
}

/**
 * Service discovery for a Nest app: provides a `DiscoverySource` (`DISCOVERY_SOURCE`) and, unless
 * `register: false`, registers the app once it listens and deregisters it on shutdown
 * (call `app.enableShutdownHooks()` so SIGTERM runs the shutdown hooks).
 */
@Module({
  providers: [
    { provide: RESOLVED_DISCOVERY_OPTIONS, useFactory: resolveModuleOptions, inject: [DISCOVERY_MODULE_OPTIONS] },
    { provide: DISCOVERY_SOURCE, useFactory: createDiscovery, inject: [RESOLVED_DISCOVERY_OPTIONS] },
    { provide: SERVICE_REGISTRAR, useFactory: createRegistrar, inject: [RESOLVED_DISCOVERY_OPTIONS] },
    DiscoveryRegistration,
  ],
  exports: [DISCOVERY_SOURCE, SERVICE_REGISTRAR, DiscoveryRegistration],
})
export class DiscoveryModule extends ConfigurableModuleClass {}
