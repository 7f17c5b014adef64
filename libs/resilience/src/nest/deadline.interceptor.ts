import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { DEADLINE_HEADER, Deadline } from '../deadline.js';
import { runWithDeadline } from '../deadline.context.js';
import { resolveResilienceModuleOptions, type ResilienceModuleOptions, type ResolvedResilienceModuleOptions } from './resilience-module.options.js';
import { RESILIENCE_MODULE_OPTIONS } from './resilience.tokens.js';

/** NATS message headers as `NatsContext.getHeaders()` returns them (`MsgHdrs` of `@nats-io/transport-node`). */
interface MessageHeaders {
  get(name: string): string;
}

/** The `x-request-timeout` a request came with: an HTTP header (Fastify or Express), or a NATS message header. */
function headerOf(context: ExecutionContext): unknown {
  const type = context.getType();
  if (type === 'http') return context.switchToHttp().getRequest<{ headers?: Record<string, unknown> }>().headers?.[DEADLINE_HEADER];
  if (type !== 'rpc') return undefined;
  const rpc = context.switchToRpc().getContext<{ getHeaders?: () => MessageHeaders | undefined } | undefined>();
  const headers = typeof rpc?.getHeaders === 'function' ? rpc.getHeaders() : undefined;
  const value = headers?.get(DEADLINE_HEADER);
  return value === '' ? undefined : value; // MsgHdrs.get answers '' for a header that is not there
}

/**
 * Runs each handler inside the deadline its caller sent (`x-request-timeout`, HTTP or NATS), counted from when the
 * request reached the interceptor: `currentDeadline()` and `@RequestDeadline()` give it, and every MeshClient call the
 * handler makes inherits what is left. Requests without the header run without a deadline. Global through
 * `ResilienceModule.forRoot()`, or per controller with `@UseInterceptors(DeadlineInterceptor)`.
 */
@Injectable()
export class DeadlineInterceptor implements NestInterceptor {
  private readonly options: ResolvedResilienceModuleOptions;

  constructor(@Inject(RESILIENCE_MODULE_OPTIONS) options: ResilienceModuleOptions) {
    this.options = resolveResilienceModuleOptions(options);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const header = headerOf(context);
    if (header === undefined) return next.handle();
    let deadline: Deadline;
    try {
      deadline = Deadline.fromHeader(header, this.options.clock);
    } catch (error) {
      return this.options.invalidHeader === 'reject' ? throwError(() => error) : next.handle();
    }
    // Nest binds the handler to the async context in which next.handle() is called: call it inside the deadline's.
    return new Observable((subscriber) => runWithDeadline(deadline, () => next.handle().subscribe(subscriber)));
  }
}
