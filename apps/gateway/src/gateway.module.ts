import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminErrorsFilter } from './admin/admin-errors.filter.js';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { AdminController } from './admin/admin.controller.js';
import { ADMIN_TOKEN } from './admin/admin.tokens.js';
import { ConfigController } from './admin/config.controller.js';
import { InstancesController } from './admin/instances.controller.js';
import { ReleasesController } from './admin/releases.controller.js';
import { Gateway } from './gateway.js';

/** Ties the gateway to Nest's lifecycle: open on bootstrap, drain before shutdown, release after. */
@Injectable()
export class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.gateway.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.gateway.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.gateway.close();
  }
}

/** The gateway app: the admin API (Nest on Fastify) around a framework-free proxy. */
@Module({})
export class GatewayModule {
  static register(gateway: Gateway, adminToken: string | undefined): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [AdminController, ConfigController, ReleasesController, InstancesController],
      providers: [
        { provide: Gateway, useValue: gateway },
        { provide: ADMIN_TOKEN, useValue: adminToken },
        { provide: APP_GUARD, useClass: AdminTokenGuard },
        { provide: APP_FILTER, useClass: AdminErrorsFilter },
        GatewayLifecycle,
      ],
    };
  }
}
