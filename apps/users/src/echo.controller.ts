import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { SERVICE_IDENTITY, ServiceIdentity, ZodValidationPipe } from '@meshway/service';
import { z } from 'zod';

export const echoSchema = z.object({
  message: z.string().min(1).max(500),
});
export type EchoInput = z.infer<typeof echoSchema>;

export interface EchoReply {
  readonly echo: string;
  readonly service: string;
  readonly instance: string;
}

/** A sample handler: replace it with the service's own. Bad input → 400 VALIDATION_FAILED with field errors. */
@Controller('users')
export class EchoController {
  constructor(@Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity) {}

  @Post('echo')
  @HttpCode(200)
  echo(@Body(new ZodValidationPipe(echoSchema)) input: EchoInput): EchoReply {
    return { echo: input.message, service: this.identity.service, instance: this.identity.instance };
  }
}
