import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { reply, type HttpReplyEnvelope } from '@meshway/transport';
import { NotificationLog } from './notification.log.js';
import { NOTIFICATION_SUBJECTS } from './notifications.subjects.js';

/** `GET /api/notifications` (NATS `notifications.list`): the orders this instance notified about, with how often. */
@Controller()
export class NotificationsHandler {
  constructor(@Inject(NotificationLog) private readonly log: NotificationLog) {}

  @MessagePattern(NOTIFICATION_SUBJECTS.list)
  list(): HttpReplyEnvelope {
    return reply(200, this.log.report());
  }
}
