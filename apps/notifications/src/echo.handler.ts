import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HttpEnvelopePipe, parseInput, SERVICE_IDENTITY, ServiceIdentity } from '@meshway/service';
import { reply, type HttpReplyEnvelope, type HttpRequestEnvelope } from '@meshway/transport';
import { z } from 'zod';

export const echoSchema = z.object({
  message: z.string().min(1).max(500),
});

/**
 * A sample NATS handler: replace it with the service's own. It receives the HTTP request the gateway
 * forwarded (an envelope) and answers with `reply(status, body)`. Bad input → 400 VALIDATION_FAILED
 * with field errors (thrown by `parseInput`, turned into a reply by the service module's error filter).
 */
@Controller()
export class EchoHandler {
  constructor(@Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity) {}

  @MessagePattern('notifications.echo')
  echo(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope): HttpReplyEnvelope {
    const input = parseInput(echoSchema, request.body);
    return reply(200, { echo: input.message, service: this.identity.service, instance: this.identity.instance });
  }
}
