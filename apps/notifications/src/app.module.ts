import { Module } from '@nestjs/common';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { EventsModule } from '@meshway/events/nest';
import { MeshwayServiceModule, SERVICE_TRANSPORT } from '@meshway/service';
import { eventsOptions } from './events.options.js';
import { NotificationLog } from './notification.log.js';
import { NotificationsHandler } from './notifications.handler.js';
import { OrderCreatedConsumer } from './order-created.consumer.js';
import { serviceOptions } from './service.options.js';

@Module({
  imports: [
    MeshwayServiceModule.forRoot(serviceOptions),
    // JetStream on the NATS this run serves on; off (one warning) in HTTP mode or without JetStream.
    EventsModule.forRootAsync({ inject: [MESHWAY_CONFIG, SERVICE_TRANSPORT], useFactory: eventsOptions }),
  ],
  controllers: [NotificationsHandler],
  providers: [{ provide: NotificationLog, useFactory: () => new NotificationLog() }, OrderCreatedConsumer],
})
export class AppModule {}
