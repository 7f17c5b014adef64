import { Module } from '@nestjs/common';
import { ClientsModule, Transport, type ClientProvider } from '@nestjs/microservices';
import { systemClock } from '@meshway/clock';
import type { ServiceConfig } from '@meshway/config';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { MeshwayServiceModule } from '@meshway/service';
import { TransportModule } from '@meshway/transport/nest';
import { OrdersHandler } from './orders.handler.js';
import { OrdersService } from './orders.service.js';
import { ORDER_EVENTS, ORDERS_CLOCK, USER_DIRECTORY } from './orders.tokens.js';
import { serviceOptions } from './service.options.js';
import { MeshUserDirectory } from './user.directory.js';

/** Publishes events on the same NATS servers the service listens on. */
const eventsClient = (config: ServiceConfig): ClientProvider => ({ transport: Transport.NATS, options: { servers: [...config.NATS_URL] } });

@Module({
  imports: [
    MeshwayServiceModule.forRoot(serviceOptions),
    // MeshClient for calls to other services (users); discovery comes from MeshwayServiceModule.
    TransportModule.forRoot({}),
    ClientsModule.registerAsync([{ name: ORDER_EVENTS, useFactory: eventsClient, inject: [MESHWAY_CONFIG] }]),
  ],
  controllers: [OrdersHandler],
  providers: [
    OrdersService,
    { provide: USER_DIRECTORY, useClass: MeshUserDirectory },
    { provide: ORDERS_CLOCK, useValue: systemClock },
  ],
})
export class AppModule {}
