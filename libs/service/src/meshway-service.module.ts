import type { AddressInfo } from 'node:net';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { loadConfig, serviceSchema, type ServiceConfig } from '@meshway/config';
import { ConfigModule, MESHWAY_CONFIG } from '@meshway/config/nest';
import { DiscoveryModule, type DiscoveryModuleOptions } from '@meshway/discovery/nest';
import { LoggingModule } from '@meshway/logging';
import { ResilienceModule } from '@meshway/resilience/nest';
import { ApiErrorFilter } from './api-error.filter.js';
import { HealthChecks } from './health.checks.js';
import { HealthController } from './health.controller.js';
import { meshClientTlsModule } from './mesh-client-tls.module.js';
import { RPC_META } from './http-rpc.server.js';
import { ServiceIdentity } from './service.identity.js';
import { resolveServiceOptions, type ResolvedServiceOptions, type ServiceOptions, type ServiceTransport } from './service.options.js';
import { SERVICE_IDENTITY, SERVICE_OPTIONS, SERVICE_TRANSPORT } from './service.tokens.js';
import { serviceTlsOf, tlsRegistration } from './service-tls.config.js';
import { decideTransport, type TransportDecision } from './transport.decision.js';

/** Fixes the instance id once the HTTP listener is bound (services listen on port 0, so only then is the port known). */
function bindOnListen(identity: ServiceIdentity, adapterHost: HttpAdapterHost, config: ServiceConfig): ServiceIdentity {
  adapterHost.listen$.subscribe(() => {
    const address = (adapterHost.httpAdapter.getHttpServer() as { address(): AddressInfo | string | null }).address();
    if (address !== null && typeof address === 'object') identity.bind(config.SERVICE_ADDRESS ?? address.address, address.port);
  });
  return identity;
}

/** Holds `SERVICE_TRANSPORT`, so the service module and the registration share one decision. */
@Module({})
class ServiceTransportModule {}

/**
 * `MESHWAY_TRANSPORT` decided once, at boot (`auto` probes NATS): see {@link decideTransport}. Global, like
 * `MESHWAY_CONFIG`, so other modules' async options can inject it without importing this one — e.g. `EventsModule`
 * (`@meshway/events/nest`) turns events off when the service serves HTTP.
 */
function transportModule(declared: ServiceTransport): DynamicModule {
  return {
    module: ServiceTransportModule,
    global: true,
    providers: [{ provide: SERVICE_TRANSPORT, useFactory: (config: ServiceConfig) => decideTransport(declared, config), inject: [MESHWAY_CONFIG] }],
    exports: [SERVICE_TRANSPORT],
  };
}

/** A NATS service serving HTTP registers as `http`, with `meshway-rpc: http`: its patterns answer at `/_meshway/rpc`. */
function rpcMeta(transport: TransportDecision): Record<string, string> {
  return transport.declared === 'nats' && transport.served === 'http' ? { [RPC_META.key]: RPC_META.value } : {};
}

/**
 * Registration in the registry (or real Consul) at `CONSUL_HTTP_ADDR`, under the same instance id `/info` shows, with
 * the transport it serves; global, so `DISCOVERY_SOURCE` reaches `TransportModule` (MeshClient) wherever the service imports it.
 */
function discoveryOptions(options: ResolvedServiceOptions, identity: ServiceIdentity) {
  return (config: ServiceConfig, transport: TransportDecision): DiscoveryModuleOptions => {
    // A TLS listener: a TTL check, and `meshway-scheme: https` in meta (see tlsRegistration).
    const tls = tlsRegistration(serviceTlsOf(config));
    return {
      register: config.MESHWAY_REGISTER,
      ...tls.options,
      consul: { addr: config.CONSUL_HTTP_ADDR, ...(config.CONSUL_HTTP_TOKEN === undefined ? {} : { token: config.CONSUL_HTTP_TOKEN }) },
      ...(config.SERVICE_ADDRESS === undefined ? {} : { address: config.SERVICE_ADDRESS }),
      instanceId: () => identity.instance,
      service: {
        name: options.name,
        version: options.version,
        transport: transport.served,
        routes: options.routes,
        ...(options.stripPrefix === undefined ? {} : { stripPrefix: options.stripPrefix }),
        meta: { ...rpcMeta(transport), ...tls.meta },
      },
    };
  };
}

/**
 * `SERVICE_VERSION` (a semantic version) over the package.json version: one codebase runs as 1.4.0 and as 2.0.0 side by
 * side, which is how a canary is tried locally. It goes everywhere the version shows: registration meta
 * (`meshway-service-version`, what the gateway's releases select by), `/info` and the OpenAPI document.
 */
function withReleasedVersion(options: ResolvedServiceOptions): ResolvedServiceOptions {
  const { SERVICE_VERSION } = loadConfig(serviceSchema.pick({ SERVICE_VERSION: true }));
  return SERVICE_VERSION === undefined ? options : { ...options, version: SERVICE_VERSION };
}

/**
 * Everything a Meshway service needs, in one import: validated config (`serviceSchema`), pino logging,
 * `GET /health` + `GET /info`, one error shape for HTTP and NATS (`ApiErrorFilter`), deadline propagation
 * (`x-request-timeout`, through `@meshway/resilience/nest`), the service identity, and the transport this run serves
 * (`SERVICE_TRANSPORT`, from `MESHWAY_TRANSPORT`).
 */
@Module({})
export class MeshwayServiceModule {
  static forRoot(options: ServiceOptions): DynamicModule {
    const resolved = withReleasedVersion(resolveServiceOptions(options));
    const identity = new ServiceIdentity(resolved);
    const transport = transportModule(resolved.transport);
    return {
      module: MeshwayServiceModule,
      imports: [
        ConfigModule.forRoot({ schema: serviceSchema, isGlobal: true }),
        LoggingModule.forRoot({ service: resolved.name }),
        // Every HTTP and NATS handler runs inside its caller's x-request-timeout; MeshClient calls inherit what is left.
        ResilienceModule.forRoot({}),
        transport,
        // MeshClient's client certificate from MESHWAY_TLS_* (global: TransportModule.forRoot picks it up).
        meshClientTlsModule(),
        // Registers once the listener is bound; drains and deregisters on shutdown.
        DiscoveryModule.forRootAsync({ isGlobal: true, imports: [transport], useFactory: discoveryOptions(resolved, identity), inject: [MESHWAY_CONFIG, SERVICE_TRANSPORT] }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: resolved },
        { provide: HealthChecks, useFactory: () => new HealthChecks() },
        { provide: SERVICE_IDENTITY, useFactory: (host: HttpAdapterHost, config: ServiceConfig) => bindOnListen(identity, host, config), inject: [HttpAdapterHost, MESHWAY_CONFIG] },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
      exports: [SERVICE_OPTIONS, SERVICE_IDENTITY, HealthChecks, ConfigModule, transport],
    };
  }
}
