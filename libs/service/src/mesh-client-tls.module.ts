import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@meshway/config';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { MESH_CLIENT_TLS } from '@meshway/transport/nest';
import { meshClientTlsOf } from './service-tls.config.js';

/** Holds `MESH_CLIENT_TLS`. */
@Module({})
class MeshClientTlsModule {}

/**
 * MeshClient's identity towards other services, from `MESHWAY_TLS_*`: global, so a `TransportModule.forRoot({})`
 * anywhere in the service presents it with no TLS options of its own (undefined without `MESHWAY_TLS_*`).
 */
export function meshClientTlsModule(): DynamicModule {
  return {
    module: MeshClientTlsModule,
    global: true,
    providers: [{ provide: MESH_CLIENT_TLS, useFactory: (config: ServiceConfig) => meshClientTlsOf(config), inject: [MESHWAY_CONFIG] }],
    exports: [MESH_CLIENT_TLS],
  };
}
