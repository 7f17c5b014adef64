import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from '../index.js';

/**
 * The authenticated caller (`request.user`, set by an auth guard): `@CurrentConsumer() identity: Identity`, or one of its
 * fields: `@CurrentConsumer('consumer') consumer: string`. Undefined on a route without an auth guard.
 */
export const CurrentConsumer = createParamDecorator((field: keyof Identity | undefined, context: ExecutionContext): unknown => {
  const user = context.switchToHttp().getRequest<{ user?: Identity }>().user;
  return field === undefined ? user : user?.[field];
});
