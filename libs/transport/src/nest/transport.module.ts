import { ConfigurableModuleBuilder, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { DiscoverySource } from '@meshway/discovery';
import { DISCOVERY_SOURCE } from '@meshway/discovery/nest';
import { MeshClient } from '../mesh-client.js';
import { TransportError, TransportErrorCode } from '../transport.errors.js';
import type { TransportModuleOptions } from './transport-module.options.js';
import { nestTransportLogger } from './transport.logger.adapter.js';
import type { UpstreamTlsOptions } from '../upstream/upstream-tls.js';
import { MESH_CLIENT_TLS, TRANSPORT_MODULE_OPTIONS } from './transport.tokens.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<TransportModuleOptions>({
  optionsInjectionToken: TRANSPORT_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Made at boot with its TLS identities loaded, so unusable certificate files fail the boot, not the first call. */
async function createMeshClient(options: TransportModuleOptions, injected: DiscoverySource | undefined, tls: UpstreamTlsOptions | undefined): Promise<MeshClient> {
  const discovery = options.discovery ?? injected;
  if (!discovery) {
    throw new TransportError(
      TransportErrorCode.InvalidOptions,
      'TransportModule needs a DiscoverySource: pass `discovery` to forRoot/forRootAsync, or import DiscoveryModule.forRoot({ …, isGlobal: true }) from @meshway/discovery/nest',
    );
  }
  const client = new MeshClient({ logger: nestTransportLogger(), ...(tls === undefined ? {} : { tls }), ...options, discovery });
  try {
    await client.ready();
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

/**
 * Provides `MeshClient` (inject it by class). Without `tls` in the options it takes `MESH_CLIENT_TLS` when the app
 * provides it (`@meshway/service` does, from `MESHWAY_TLS_*`). It is closed when the app shuts down, after requests
 * in flight have drained (`onApplicationShutdown`); the DiscoverySource is not closed here.
 */
@Module({
  providers: [
    {
      provide: MeshClient,
      useFactory: createMeshClient,
      inject: [TRANSPORT_MODULE_OPTIONS, { token: DISCOVERY_SOURCE, optional: true }, { token: MESH_CLIENT_TLS, optional: true }],
    },
  ],
  exports: [MeshClient],
})
export class TransportModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(MeshClient) private readonly client: MeshClient) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
