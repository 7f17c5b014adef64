import { Inject, Injectable, Logger } from '@nestjs/common';
import { ORDER_CREATED, ORDER_EVENTS_STREAM, orderCreatedSchema, type OrderCreated } from '@meshway/contracts';
import type { EventMessage } from '@meshway/events';
import { OnEvent } from '@meshway/events/nest';
import { NotificationLog } from './notification.log.js';

/**
 * Notifies the user of each new order. A durable consumer: the server keeps this service's place in ORDER_EVENTS
 * (durable `notifications`), so orders created while it was down are notified when it starts, in order. Returning
 * acks the event; throwing asks for a redelivery (after 5 failed deliveries it goes to `meshway.dead-letter.…`, kept
 * in DEAD_LETTERS). Instances share the durable: each order goes to one of them.
 */
@Injectable()
export class OrderCreatedConsumer {
  private readonly logger = new Logger(OrderCreatedConsumer.name);

  constructor(@Inject(NotificationLog) private readonly log: NotificationLog) {}

  // A payload that is not an order (e.g. an old `{ pattern, data }` envelope) is dead-lettered at once, not retried.
  @OnEvent({ stream: ORDER_EVENTS_STREAM.name, durable: 'notifications', subject: ORDER_CREATED, parse: (data) => orderCreatedSchema.parse(data) })
  handle(event: EventMessage<OrderCreated>): void {
    const order = event.data;
    if (this.log.record(event) > 1) {
      // @meshway/events handles each event once per process; sending is still skipped for one it sees again.
      this.logger.warn(`order ${order.id} (${event.msgId ?? `seq ${String(event.seq)}`}) was notified before: skipped`);
      return;
    }
    // A real service would send an e-mail or a push message here (and key its own de-dup on event.msgId).
    this.logger.log(`order ${order.id} for user ${order.userId}: notification sent (${String(order.items.length)} items)`);
  }
}
