import { Module } from '@nestjs/common';
import { systemClock } from '@meshway/clock';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { EventsModule } from '@meshway/events/nest';
import { MeshwayServiceModule, SERVICE_TRANSPORT } from '@meshway/service';
import { TransportModule } from '@meshway/transport/nest';
import { eventsOptions } from './events.options.js';
import { OrdersHandler } from './orders.handler.js';
import { OrdersService } from './orders.service.js';
import { ORDERS_CLOCK, USER_DIRECTORY } from './orders.tokens.js';
import { serviceOptions } from './service.options.js';
import { MeshUserDirectory } from './user.directory.js';

@Module({
  imports: [
    MeshwayServiceModule.forRoot(serviceOptions),
    // MeshClient for calls to other services (users); discovery comes from MeshwayServiceModule.
    TransportModule.forRoot({}),
    // orders.created into ORDER_EVENTS on JetStream; off (one warning) in HTTP mode or without JetStream.
    EventsModule.forRootAsync({ inject: [MESHWAY_CONFIG, SERVICE_TRANSPORT], useFactory: eventsOptions }),
  ],
  controllers: [OrdersHandler],
  providers: [OrdersService, { provide: USER_DIRECTORY, useClass: MeshUserDirectory }, { provide: ORDERS_CLOCK, useValue: systemClock }],
})
export class AppModule {}
