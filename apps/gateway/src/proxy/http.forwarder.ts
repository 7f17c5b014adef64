import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Clock, TimerHandle } from '@meshway/clock';
import type { RequestOutcome } from '@meshway/balancing';
import type { ServiceInstance } from '@meshway/discovery';
import { GatewayError } from '../gateway.errors.js';
import type { HttpTarget } from '../upstream/upstream.js';
import type { Exchange } from './exchange.js';
import { stripResponseHopByHop } from './incoming-headers.js';
import { BodyLimit } from './request-body.js';
import { upstreamFailure } from './upstream-failure.js';

/**
 * What the forwarder may do when an instance refuses the connection: eject it (always), and
 * get another instance to try (only when the request can be sent again: no body, and for a socket
 * that broke mid-request, an idempotent method).
 */
export interface FailoverPolicy {
  eject(instance: ServiceInstance): void;
  /** Another instance than `failed`, with the balancer's outcome reporter for it; undefined when there is none. */
  next(failed: ServiceInstance): FailoverTarget | undefined;
}

export interface FailoverTarget {
  readonly target: HttpTarget;
  readonly outcome: (outcome: RequestOutcome) => void;
}

/** Connection-level failures: the instance is gone or going. */
const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const BROKEN = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const MAX_ATTEMPTS = 3;

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
  private target: HttpTarget | undefined;
  private body: Readable | null = null;
  /** Index in the forwarded header list of the `host` value, rewritten when another instance is tried. */
  private hostAt = 0;
  private attempts = 0;
  private responded = false;

  constructor(
    private readonly ex: Exchange,
    private readonly clock: Clock,
    private readonly service: string,
    private readonly failover: FailoverPolicy,
  ) {}

  start(target: HttpTarget, body: Readable | null, remainingMs: number): void {
    const { ex } = this;
    const forward = ex.headers.forward;
    const via = ex.req.socket.remoteAddress ?? '';
    this.hostAt = forward.length + 1;
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
    this.body = body;
    this.dispatch(target);
  }

  private dispatch(target: HttpTarget): void {
    const { ex } = this;
    this.target = target;
    this.attempts++;
    this.controller = undefined;
    ex.headers.forward[this.hostAt] = target.authority;
    target.pool.dispatch({ path: ex.path + ex.search, method: ex.req.method as Dispatcher.HttpMethod, headers: ex.headers.forward, body: this.body }, this);
  }

  /** On a connection-level failure: eject the instance, and try another when the request can be sent again. */
  private failedOver(error: Error): boolean {
    const code = (error as { code?: unknown }).code;
    const target = this.target;
    if (typeof code !== 'string' || !target || this.responded) return false;
    const refused = REFUSED.has(code);
    if (!refused && !BROKEN.has(code)) return false;
    this.failover.eject(target.instance);
    const resendable = this.body === null && this.attempts < MAX_ATTEMPTS && (refused || IDEMPOTENT.has(this.ex.req.method ?? ''));
    const next = resendable ? this.failover.next(target.instance) : undefined;
    if (!next) return false;
    this.ex.picked(next.outcome);
    this.dispatch(next.target);
    return true;
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
    this.responded = true;
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
    if (this.abandoned || this.failedOver(error)) return;
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

  forward(ex: Exchange, target: HttpTarget, remainingMs: number, failover: FailoverPolicy): void {
    const route = ex.route;
    if (!route) return;
    new HttpExchange(ex, this.clock, route.spec.service, failover).start(target, bodyOf(ex, route.spec.bodyLimitBytes), remainingMs);
  }
}
