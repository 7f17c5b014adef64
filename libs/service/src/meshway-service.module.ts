import type { AddressInfo } from 'node:net';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { serviceSchema, type ServiceConfig } from '@meshway/config';
import { ConfigModule, MESHWAY_CONFIG } from '@meshway/config/nest';
import { LoggingModule } from '@meshway/logging';
import { ApiErrorFilter } from './api-error.filter.js';
import { HealthChecks } from './health.checks.js';
import { HealthController } from './health.controller.js';
import { ServiceIdentity } from './service.identity.js';
import { resolveServiceOptions, type ResolvedServiceOptions, type ServiceOptions } from './service.options.js';
import { SERVICE_IDENTITY, SERVICE_OPTIONS } from './service.tokens.js';

/** Fixes the instance id once the HTTP listener is bound (services listen on port 0, so only then is the port known). */
function identityFactory(options: ResolvedServiceOptions, adapterHost: HttpAdapterHost, config: ServiceConfig): ServiceIdentity {
  const identity = new ServiceIdentity(options);
  adapterHost.listen$.subscribe(() => {
    const address = (adapterHost.httpAdapter.getHttpServer() as { address(): AddressInfo | string | null }).address();
    if (address !== null && typeof address === 'object') identity.bind(config.SERVICE_ADDRESS ?? address.address, address.port);
  });
  return identity;
}

/**
 * Everything a Meshway service needs, in one import: validated config (`serviceSchema`), pino logging,
 * `GET /health` + `GET /info`, one error shape for HTTP and NATS (`ApiErrorFilter`), and the service identity.
 */
@Module({})
export class MeshwayServiceModule {
  static forRoot(options: ServiceOptions): DynamicModule {
    const resolved = resolveServiceOptions(options);
    return {
      module: MeshwayServiceModule,
      imports: [
        ConfigModule.forRoot({ schema: serviceSchema, isGlobal: true }),
        LoggingModule.forRoot({ service: resolved.name }),
        // Registration seam: `DiscoveryModule.forRoot(...)` from '@meshway/discovery/nest' joins these imports
        // (it registers the instance once the listener is bound and deregisters on shutdown).
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: resolved },
        { provide: HealthChecks, useFactory: () => new HealthChecks() },
        { provide: SERVICE_IDENTITY, useFactory: identityFactory, inject: [SERVICE_OPTIONS, HttpAdapterHost, MESHWAY_CONFIG] },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
      exports: [SERVICE_OPTIONS, SERVICE_IDENTITY, HealthChecks, ConfigModule],
    };
  }
}
