import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { clientIp } from '../client-ip.js';
import type { RateLimitDecision } from '../rate-limit.decision.js';
import { rateLimitHeaders } from '../rate-limit.headers.js';
import type { RateLimitRule } from '../rate-limit.rule.js';
import type { RateLimitStore } from '../rate-limit.store.js';
import { RouteRateLimiter, type RateLimitSubject } from '../route.limiter.js';
import type { ResolvedRateLimitModuleOptions } from './rate-limit-module.options.js';
import { RateLimitedException } from './rate-limited.exception.js';
import { RATE_LIMIT_RULE, RATE_LIMIT_STORE, RESOLVED_RATE_LIMIT_OPTIONS } from './rate-limit.tokens.js';

/** What the guard reads of a request, under Fastify (`raw`, `socket`) or Express (`socket`). */
interface HttpRequestLike {
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string };
  readonly raw?: { readonly socket?: { readonly remoteAddress?: string } };
}

/** A Fastify reply or Express response (`header(name, value)`), or a bare `ServerResponse` (`setHeader`). */
interface HttpResponseLike {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

function setHeaders(response: HttpResponseLike, headers: readonly string[]): void {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const [name, value] = [headers[i] ?? '', headers[i + 1] ?? ''];
    if (typeof response.header === 'function') response.header(name, value);
    else response.setHeader?.(name, value);
  }
}

/**
 * Enforces `@RateLimit()` on HTTP handlers: counts the request (by consumer, client IP or route), sets the `RateLimit-*`
 * headers, and refuses with {@link RateLimitedException} (429, or 503 when the store is down and `failMode` is
 * `closed`). Handlers without a rule, and non-HTTP contexts (NATS), pass untouched. Decides synchronously on the
 * memory store. Runs where Nest runs guards: for `by: 'consumer'` authentication must have set the user before it.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  /**
   * One limiter per controller and handler (a handler inherited by two controllers counts apart), null when it has no
   * rule; made on its first request. Keys name the route `Controller.handler`.
   */
  private readonly limiters = new WeakMap<object, Map<object, RouteRateLimiter | null>>();
  /** Requests already counted: listed in `@UseGuards` while also global, a request still counts once (the first run). */
  private readonly counted = new WeakSet<object>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(RESOLVED_RATE_LIMIT_OPTIONS) private readonly options: ResolvedRateLimitModuleOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const limiter = this.limiterFor(context);
    if (limiter === undefined) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    if (this.counted.has(request)) return true;
    this.counted.add(request);
    const decision = limiter.consume(this.subjectOf(request));
    const response = http.getResponse<HttpResponseLike>();
    return decision instanceof Promise ? decision.then((d) => this.answer(d, response)) : this.answer(decision, response);
  }

  private limiterFor(context: ExecutionContext): RouteRateLimiter | undefined {
    const [controller, handler] = [context.getClass(), context.getHandler()];
    let handlers = this.limiters.get(controller);
    if (handlers === undefined) this.limiters.set(controller, (handlers = new Map<object, RouteRateLimiter | null>()));
    let limiter = handlers.get(handler);
    if (limiter === undefined) {
      const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT_RULE, [handler, controller]);
      limiter = rule === undefined ? null : new RouteRateLimiter(this.store, `${controller.name}.${handler.name}`, rule);
      handlers.set(handler, limiter);
    }
    return limiter ?? undefined;
  }

  private subjectOf(request: HttpRequestLike): RateLimitSubject {
    const remote = request.raw?.socket?.remoteAddress ?? request.socket?.remoteAddress;
    return { consumer: this.options.consumer(request), ip: clientIp(remote, request.headers?.['x-forwarded-for'], this.options.trustedProxies) };
  }

  private answer(decision: RateLimitDecision, response: HttpResponseLike): true {
    setHeaders(response, rateLimitHeaders(decision));
    if (!decision.allowed) throw new RateLimitedException(decision);
    return true;
  }
}
