import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Clock, TimerHandle } from '@meshway/clock';
import { GatewayError } from '../gateway.errors.js';
import type { HttpTarget } from '../upstream/upstream.js';
import type { Exchange } from './exchange.js';
import { stripResponseHopByHop } from './incoming-headers.js';
import { BodyLimit } from './request-body.js';
import { upstreamFailure } from './upstream-failure.js';

/** Why the gateway stopped an upstream exchange because its client left. */
const clientGone = new Error('The client closed the connection.');

/**
 * Forwards one exchange to an HTTP instance with undici's `dispatch`: response headers and body
 * chunks are written straight into the client's response (with backpressure), nothing is buffered.
 */
class HttpExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** Set once the gateway gave up on the upstream (deadline, client gone, error); later callbacks only clean up. */
  private abandoned: Error | undefined;
  private timer: TimerHandle;

  constructor(
    private readonly ex: Exchange,
    private readonly clock: Clock,
    private readonly service: string,
  ) {}

  start(target: HttpTarget, body: Readable | null, remainingMs: number): void {
    const { ex } = this;
    const forward = ex.headers.forward;
    const via = ex.req.socket.remoteAddress ?? '';
    forward.push(
      'host', target.authority,
      'x-forwarded-for', ex.headers.forwardedFor === undefined ? via : `${ex.headers.forwardedFor}, ${via}`,
      'x-forwarded-proto', 'http',
      'x-request-id', ex.requestId,
      'x-request-timeout', String(Math.ceil(remainingMs)),
    );
    if (ex.headers.host !== undefined) forward.push('x-forwarded-host', ex.headers.host);
    ex.onClientGone = () => {
      this.abandon(clientGone);
    };
    this.timer = this.clock.setTimeout(this.onDeadline, remainingMs);
    target.pool.dispatch({ path: ex.path + ex.search, method: ex.req.method as Dispatcher.HttpMethod, headers: forward, body }, this);
  }

  private readonly onDeadline = (): void => {
    this.timer = undefined;
    this.abandon(new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${this.service} did not answer within the deadline.`));
  };

  /** Answers the client now (when it is still there) and stops the upstream exchange. */
  private abandon(reason: Error): void {
    if (this.abandoned) return;
    this.abandoned = reason;
    this.clearTimer();
    if (reason instanceof GatewayError) this.ex.fail(reason);
    this.controller?.abort(reason);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abandoned) controller.abort(this.abandoned);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.abandoned) return;
    this.clearTimer();
    stripResponseHopByHop(headers);
    headers['x-request-id'] = this.ex.requestId;
    if (this.ex.context.draining()) headers.connection = 'close';
    this.ex.res.writeHead(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.abandoned) return;
    if (!this.ex.res.write(chunk)) {
      controller.pause();
      this.ex.res.once('drain', () => {
        controller.resume();
      });
    }
  }

  onResponseEnd(): void {
    if (this.abandoned) return;
    this.ex.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.abandoned) return;
    this.abandon(upstreamFailure(error, this.service));
  }
}

/** The request body as undici should send it: none, the request itself, or a size-checked copy of a chunked one. */
function bodyOf(ex: Exchange, limit: number): Readable | null {
  if (ex.headers.chunked) return ex.req.pipe(new BodyLimit(limit));
  if (ex.headers.contentLength === undefined || ex.headers.contentLength === '0') return null;
  return ex.req;
}

export class HttpForwarder {
  constructor(private readonly clock: Clock) {}

  forward(ex: Exchange, target: HttpTarget, remainingMs: number): void {
    const route = ex.route;
    if (!route) return;
    new HttpExchange(ex, this.clock, route.spec.service).start(target, bodyOf(ex, route.spec.bodyLimitBytes), remainingMs);
  }
}
