import { Module } from '@nestjs/common';
import { systemClock } from '@meshway/clock';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { MeshwayServiceModule, SERVICE_TRANSPORT } from '@meshway/service';
import { TransportModule } from '@meshway/transport/nest';
import { orderEvents } from './order.events.js';
import { OrdersHandler } from './orders.handler.js';
import { OrdersService } from './orders.service.js';
import { ORDER_EVENTS, ORDERS_CLOCK, USER_DIRECTORY } from './orders.tokens.js';
import { serviceOptions } from './service.options.js';
import { MeshUserDirectory } from './user.directory.js';

@Module({
  imports: [
    MeshwayServiceModule.forRoot(serviceOptions),
    // MeshClient for calls to other services (users); discovery comes from MeshwayServiceModule.
    TransportModule.forRoot({}),
  ],
  controllers: [OrdersHandler],
  providers: [
    OrdersService,
    { provide: USER_DIRECTORY, useClass: MeshUserDirectory },
    { provide: ORDERS_CLOCK, useValue: systemClock },
    // On NATS when the service runs on NATS; off (one log line) in HTTP mode.
    { provide: ORDER_EVENTS, useFactory: orderEvents, inject: [MESHWAY_CONFIG, SERVICE_TRANSPORT] },
  ],
})
export class AppModule {}
