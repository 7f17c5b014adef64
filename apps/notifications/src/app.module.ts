import { Module } from '@nestjs/common';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { EventsModule } from '@meshway/events/nest';
import { MeshwayServiceModule, SERVICE_TRANSPORT } from '@meshway/service';
import { EchoHandler } from './echo.handler.js';
import { eventsOptions } from './events.options.js';
import { HandledEvents } from './handled-events.js';
import { HandledEventsHandler } from './handled-events.handler.js';
import { SampleEventConsumer } from './sample-event.consumer.js';
import { serviceOptions } from './service.options.js';

@Module({
  imports: [
    MeshwayServiceModule.forRoot(serviceOptions),
    // JetStream on the NATS this run serves on; off (one warning) in HTTP mode or without JetStream.
    EventsModule.forRootAsync({ inject: [MESHWAY_CONFIG, SERVICE_TRANSPORT], useFactory: eventsOptions }),
  ],
  controllers: [EchoHandler, HandledEventsHandler],
  providers: [{ provide: HandledEvents, useFactory: () => new HandledEvents() }, SampleEventConsumer],
})
export class AppModule {}
