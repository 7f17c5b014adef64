import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { Clock } from '@meshway/clock';
import { DEADLINE_HEADER, Deadline, parseTimeoutHeader, runWithDeadline } from '../deadline.js';
import { RESILIENCE_CLOCK } from './resilience.tokens.js';

/** The `x-request-timeout` a request arrived with: an HTTP header, or a NATS message header. */
function timeoutOf(context: ExecutionContext): string | undefined {
  if (context.getType() === 'http') {
    const value = context.switchToHttp().getRequest<{ headers?: Record<string, string | string[] | undefined> }>().headers?.[DEADLINE_HEADER];
    return typeof value === 'string' ? value : undefined;
  }
  if (context.getType() === 'rpc') {
    const rpc = context.switchToRpc().getContext<{ getHeaders?: () => { get(name: string): string } | undefined } | undefined>();
    const value = rpc?.getHeaders?.()?.get(DEADLINE_HEADER);
    return value === '' ? undefined : value;
  }
  return undefined;
}

/**
 * Runs each request's handler with the deadline its caller sent (`x-request-timeout`, over HTTP or NATS) as the current
 * one, so every MeshClient call the handler makes inherits what is left of it, and `@RequestDeadline()` can read it.
 * A value that is not a positive whole number of ms is ignored (the request then has no deadline from its caller).
 */
@Injectable()
export class DeadlineInterceptor implements NestInterceptor {
  constructor(@Inject(RESILIENCE_CLOCK) private readonly clock: Clock) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const header = timeoutOf(context);
    let budget: number | undefined;
    try {
      budget = header === undefined ? undefined : parseTimeoutHeader(header);
    } catch {
      budget = undefined;
    }
    if (budget === undefined) return next.handle();
    const deadline = Deadline.after(budget, this.clock);
    if (context.getType() === 'http') context.switchToHttp().getRequest<Record<symbol, unknown>>()[DEADLINE_KEY] = deadline;
    return new Observable((subscriber) => runWithDeadline(deadline, () => next.handle().subscribe(subscriber)));
  }
}

/** Where the interceptor leaves the deadline on the request object, for `@RequestDeadline()`. */
export const DEADLINE_KEY = Symbol.for('meshway.resilience.deadline');
