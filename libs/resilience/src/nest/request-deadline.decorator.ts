import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { currentDeadline, type Deadline } from '../deadline.js';
import { DEADLINE_KEY } from './deadline.interceptor.js';

/**
 * The deadline of the request being handled (`Deadline`: `remainingMs()`, `expired`), or undefined when its caller sent
 * none. Needs `ResilienceModule` (its interceptor reads `x-request-timeout`).
 */
export const RequestDeadline = createParamDecorator((_data: unknown, context: ExecutionContext): Deadline | undefined => {
  const fromRequest = context.getType() === 'http' ? context.switchToHttp().getRequest<Record<symbol, unknown>>()[DEADLINE_KEY] : undefined;
  return (fromRequest as Deadline | undefined) ?? currentDeadline();
});
