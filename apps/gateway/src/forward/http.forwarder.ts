import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Clock, TimerHandle } from '@meshway/clock';
import { retryAfterMs, type UpstreamGuards } from '@meshway/resilience';
import { classifyUpstreamError, timeoutHeaderValue } from '@meshway/transport';
import type { AttemptFailure, Exchange, UpstreamAttempt } from '../chain/exchange.js';
import type { Next, RouteContext } from '../chain/step.js';
import { GatewayError } from '../gateway.errors.js';
import { stripResponseHopByHop } from '../proxy/incoming-headers.js';
import { BodyLimit } from '../proxy/request-body.js';
import type { HttpTarget, Upstream } from '../upstream/upstream.js';

/** The request body as undici should send it: none, the request itself, or a size-checked copy of a chunked one. */
function bodyOf(ex: Exchange, limit: number): Readable | null {
  if (ex.headers.chunked) return ex.req.pipe(new BodyLimit(limit));
  if (ex.headers.contentLength === undefined || ex.headers.contentLength === '0') return null;
  return ex.req;
}

/**
 * One attempt of an exchange against one instance, with undici's `dispatch`: response headers and body chunks are
 * written straight into the client's response (with backpressure), nothing is buffered. A failure before the response
 * started is offered to the route's retry step; after that the connection is cut (a half-sent body must not look whole).
 */
class HttpAttempt implements Dispatcher.DispatchHandler, UpstreamAttempt {
  private controller: Dispatcher.DispatchController | undefined;
  /** Set once the gateway gave up on this attempt (deadline, client gone); later callbacks only clean up. */
  private abandoned: Error | undefined;
  /** Set when a 5xx answer is being retried elsewhere: its body is read and dropped, keeping the connection. */
  private discarding = false;
  /** Set once the upstream's response head arrived. */
  private answered = false;
  /** The route's per-try timeout, when it has one: this attempt alone is given up and may be tried elsewhere. */
  private perTry: TimerHandle;

  constructor(
    private readonly ex: Exchange,
    private readonly forwarder: HttpForwarder,
    private readonly target: HttpTarget,
    perTryTimeoutMs: number | undefined,
  ) {
    if (perTryTimeoutMs !== undefined) this.perTry = forwarder.clock.setTimeout(this.onPerTryTimeout, perTryTimeoutMs);
  }

  abort(reason: Error): void {
    if (this.abandoned) return;
    this.abandoned = reason;
    this.clearPerTry();
    this.controller?.abort(reason);
    if (this.answered) return;
    // The deadline cut an attempt that had no answer yet: the instance was too slow, which breakers and ejection must hear.
    // Any other cut (the client left) says nothing about the instance: its breaker only gets its probe slot back.
    if (reason instanceof GatewayError && reason.code === 'MESHWAY_UPSTREAM_TIMEOUT') this.forwarder.report(this.target, this.forwarder.timeoutFailure(this.target));
    else this.forwarder.releaseProbe(this.target);
  }

  private clearPerTry(): void {
    if (this.perTry === undefined) return;
    this.forwarder.clock.clearTimeout(this.perTry);
    this.perTry = undefined;
  }

  private readonly onPerTryTimeout = (): void => {
    this.perTry = undefined;
    const failure = this.forwarder.timeoutFailure(this.target);
    this.abort(failure.error);
    this.forwarder.failed(this.ex, this.target, failure);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abandoned) controller.abort(this.abandoned);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.abandoned) return;
    this.answered = true;
    this.clearPerTry();
    const { ex } = this;
    if (statusCode >= 500) {
      const failure = this.forwarder.statusFailure(statusCode, headers);
      this.forwarder.report(this.target, failure);
      if (ex.retry?.retry(ex, failure)) {
        this.discarding = true;
        return;
      }
    } else {
      this.forwarder.report(this.target, undefined);
    }
    ex.responseStarted();
    stripResponseHopByHop(headers);
    headers['x-request-id'] = ex.requestId;
    const extra = ex.responseHeaders;
    if (extra) for (let i = 0; i < extra.length; i += 2) headers[extra[i] as string] = extra[i + 1];
    if (ex.context.draining()) headers.connection = 'close';
    ex.res.writeHead(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.abandoned || this.discarding) return;
    if (!this.ex.res.write(chunk)) {
      controller.pause();
      this.ex.res.once('drain', () => {
        controller.resume();
      });
    }
  }

  onResponseEnd(): void {
    if (this.abandoned || this.discarding) return;
    this.ex.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.abandoned || this.discarding) return;
    this.clearPerTry();
    const { ex } = this;
    if (ex.res.headersSent) {
      ex.res.destroy();
      return;
    }
    if (error instanceof GatewayError) {
      ex.fail(error); // the client's own fault (a chunked body over the limit): no instance to blame, nothing to retry
      return;
    }
    this.forwarder.failed(ex, this.target, this.forwarder.failure(error, this.target));
  }
}

/**
 * The terminal step of an HTTP route: sends the exchange to the instance the pick step chose. Made once per route.
 * Upstream requests get `Host` = the instance, `X-Forwarded-For/Proto/Host`, `x-request-id` and the remaining
 * budget as `x-request-timeout`.
 */
export class HttpForwarder {
  readonly clock: Clock;
  private readonly upstream: Upstream;
  private readonly guards: UpstreamGuards;
  private readonly service: string;
  private readonly bodyLimitBytes: number;
  private readonly perTryTimeoutMs: number | undefined;

  constructor(private readonly route: RouteContext) {
    this.clock = route.clock;
    this.upstream = route.upstream;
    this.guards = route.guards;
    this.service = route.spec.service;
    this.bodyLimitBytes = route.spec.bodyLimitBytes;
    this.perTryTimeoutMs = route.policies.retries?.perTryTimeoutMs;
  }

  readonly run: Next = (ex) => {
    if (ex.done) return;
    const instance = ex.instance;
    const target = instance && this.upstream.target(instance);
    if (!target) throw new GatewayError('MESHWAY_NO_INSTANCE', `No healthy instance of ${this.service}.`);
    const body = ex.attempts === 0 ? this.firstAttempt(ex, target) : this.nextAttempt(ex, target);
    ex.attempts++;
    const attempt = new HttpAttempt(ex, this, target, this.perTryTimeoutMs);
    ex.upstream = attempt;
    target.pool.dispatch({ path: ex.path + ex.search, method: ex.req.method as Dispatcher.HttpMethod, headers: ex.headers.forward, body }, attempt);
  };

  /** Tells the route's breakers and outlier detection how an attempt went (`undefined`: it succeeded). */
  report(target: HttpTarget, failure: AttemptFailure | undefined): void {
    if (failure === undefined) this.guards.report(target.instance.id, 'success');
    else this.guards.report(target.instance.id, failure.kind, failure.status);
  }

  /** An attempt ended without a verdict on its instance (the client left). */
  releaseProbe(target: HttpTarget): void {
    this.guards.release(target.instance.id);
  }

  /** An attempt failed before any response reached the client: reported, then retried when the route's retry step takes it. */
  failed(ex: Exchange, target: HttpTarget, failure: AttemptFailure): void {
    ex.upstream = undefined;
    this.report(target, failure);
    if (!ex.retry?.retry(ex, failure)) ex.fail(failure.error);
  }

  timeoutFailure(target: HttpTarget): AttemptFailure {
    return { kind: 'timeout', error: new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${this.service} instance ${target.instance.id} did not answer within the per-try timeout.`) };
  }

  /** What the client gets for a network failure of one attempt (when nobody retries it). */
  failure(error: Error, target: HttpTarget): AttemptFailure {
    const failed = classifyUpstreamError(error, `${this.service} instance ${target.instance.id}`);
    return { kind: failed.kind, error: GatewayError.fromTransport(failed.error) };
  }

  statusFailure(status: number, headers: Record<string, string | string[] | undefined>): AttemptFailure {
    const retryAfter = retryAfterMs(headers['retry-after'], this.clock);
    return {
      kind: 'status',
      status,
      error: new GatewayError('MESHWAY_UPSTREAM_ERROR', `${this.service} answered ${status}.`, { status }),
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    };
  }

  /** Appends the gateway's own headers once; later attempts only rewrite `host` and the remaining budget. */
  private firstAttempt(ex: Exchange, target: HttpTarget): Readable | null {
    const forward = ex.headers.forward;
    const via = ex.req.socket.remoteAddress ?? '';
    forward.push(
      'x-forwarded-for', ex.headers.forwardedFor === undefined ? via : `${ex.headers.forwardedFor}, ${via}`,
      'x-forwarded-proto', ex.protocol,
      'x-request-id', ex.requestId,
    );
    if (ex.headers.host !== undefined) forward.push('x-forwarded-host', ex.headers.host);
    forward.push('x-request-timeout', timeoutHeaderValue(ex.remainingMs()), 'host', target.authority);
    const body = bodyOf(ex, this.bodyLimitBytes);
    if (body !== null) ex.resendable = false;
    return body;
  }

  private nextAttempt(ex: Exchange, target: HttpTarget): null {
    const forward = ex.headers.forward;
    forward[forward.length - 1] = target.authority;
    forward[forward.length - 3] = timeoutHeaderValue(ex.remainingMs());
    return null;
  }
}
