import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventMessage } from '@meshway/events';
import { OnEvent } from '@meshway/events/nest';
import { NOTIFICATIONS_EVENTS_STREAM, SAMPLE_EVENT, sampleEventSchema, type SampleEvent } from './events.streams.js';
import { HandledEvents } from './handled-events.js';

/**
 * A durable consumer: the server keeps this service's place in the stream (durable `notifications`), so events published
 * while it was down are handled when it starts. Returning acks the event; throwing asks for a redelivery (after 5
 * failed deliveries it goes to the dead-letter subject). Instances share the durable: each event goes to one of them.
 */
@Injectable()
export class SampleEventConsumer {
  private readonly logger = new Logger(SampleEventConsumer.name);

  constructor(@Inject(HandledEvents) private readonly handled: HandledEvents) {}

  // `parse` rejects a payload that is not a SampleEvent: it is dead-lettered at once instead of failing five times.
  @OnEvent({ stream: NOTIFICATIONS_EVENTS_STREAM.name, durable: 'notifications', subject: SAMPLE_EVENT, parse: (data) => sampleEventSchema.parse(data) })
  handle(event: EventMessage<SampleEvent>): void {
    if (this.handled.record(event) > 1) {
      // @meshway/events handles each event once per process; effects must still be idempotent across restarts.
      this.logger.warn(`${event.subject} #${String(event.seq)} was handled before: skipped`);
      return;
    }
    this.logger.log(`${event.subject} #${String(event.seq)} handled: ${event.data.message}`);
  }
}
