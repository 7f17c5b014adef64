import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { reply, type HttpReplyEnvelope } from '@meshway/transport';
import { HandledEvents } from './handled-events.js';

/** `GET /api/notifications/handled` (NATS `notifications.handled`): the events this instance handled, with how often. */
@Controller()
export class HandledEventsHandler {
  constructor(@Inject(HandledEvents) private readonly handled: HandledEvents) {}

  @MessagePattern('notifications.handled')
  list(): HttpReplyEnvelope {
    return reply(200, { events: this.handled.list() });
  }
}
