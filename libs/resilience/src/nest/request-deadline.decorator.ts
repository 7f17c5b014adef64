import { createParamDecorator } from '@nestjs/common';
import type { Deadline } from '../deadline.js';
import { currentDeadline } from '../deadline.context.js';

/**
 * The deadline of the request being handled (a `Deadline`: `remaining(clock)`, `expired(clock)`), or undefined when its
 * caller sent none. Needs `DeadlineInterceptor` (installed globally by `ResilienceModule.forRoot()`).
 */
export const RequestDeadline = createParamDecorator((): Deadline | undefined => currentDeadline());
