import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '@meshway/clock';
import type { RequestOutcome } from '@meshway/balancing';
import type { ServiceInstance } from '@meshway/discovery';
import type { Identity } from '@meshway/auth';
import type { FailureKind } from '@meshway/transport';
import { GatewayError, sendError } from '../gateway.errors.js';
import type { GatewayLogger } from '../gateway.logger.js';
import type { RouteRecorder } from '../metrics/gateway.metrics.js';
import type { IncomingHeaders } from '../proxy/incoming-headers.js';
import type { InflightTracker } from '../proxy/inflight.tracker.js';
import type { ReleaseArm, ReleaseState } from '../releases/release.state.js';

/** What every exchange shares with the server that made it. */
export interface ExchangeContext {
  readonly clock: Clock;
  readonly logger: GatewayLogger;
  readonly inflight: InflightTracker;
  /** Records requests that matched no route. */
  readonly unmatched: RouteRecorder;
  /** True while the server drains: responses then close their connection. */
  readonly draining: () => boolean;
  /** The client's IP from the peer address and `X-Forwarded-For`, believing only trusted proxies. */
  readonly clientIp: (remoteAddress: string | undefined, forwardedFor: string | undefined) => string | undefined;
}

/** The upstream exchange in progress (an HTTP dispatch or a NATS request), so the gateway can stop it. */
export interface UpstreamAttempt {
  abort(reason: Error): void;
}

/** A failed attempt, as the terminal forwarder saw it. */
export interface AttemptFailure {
  readonly kind: FailureKind;
  /** What the client gets when nobody retries (for `status` failures the upstream's own response passes through instead). */
  readonly error: GatewayError;
  /** The upstream's status, for `status` failures. */
  readonly status?: number;
  /** The upstream's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs?: number;
}

/**
 * Asked by a terminal forwarder when an attempt failed before any response reached the client:
 * returns true when it took the exchange over (another attempt is scheduled), false to let the failure stand.
 */
export interface RetryHook {
  retry(ex: Exchange, failure: AttemptFailure): boolean;
}

/** Status recorded for a request whose client went away before the response finished (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** Why the gateway stopped an upstream exchange because its client left. */
const clientGone = new Error('The client closed the connection.');

/**
 * One request through the gateway. Each field says which part of the chain writes it; everything else only reads.
 * The response's `close` event is the single place where a request ends: metrics, the balancer's outcome, the
 * deadline timer and the in-flight count are settled there, whatever happened.
 */
export class Exchange {
  /** The matched route's recorder (request handler). */
  recorder: RouteRecorder;
  /** Path parameters of the matched route (request handler). */
  params: Readonly<Record<string, string | undefined>> = {};
  /** Path sent upstream, normalised and prefix-stripped, and the query string (request handler). */
  path = '/';
  search = '';
  /** Monotonic ms by which the upstream must have started answering (deadline step). */
  deadline = 0;
  /** The authenticated caller (auth step); undefined for anonymous requests. */
  identity: Identity | undefined;
  /** The authenticated consumer's id (auth step); undefined for anonymous requests. */
  consumer: string | undefined;
  /** The semver range of the instances this request may reach (version step); undefined: any. */
  versionRange: string | undefined;
  /** The release this request took a side of, and the side (version step); its guard hears the outcome at the end. */
  release: ReleaseState | undefined;
  releaseArm: ReleaseArm = 'stable';
  /** Instance of the current attempt (pick step); undefined for NATS routes (the queue group picks). */
  instance: ServiceInstance | undefined;
  /** Attempts started so far (terminal forwarders). */
  attempts = 0;
  /** The whole request body, for forwarders that read it before sending (NATS), kept for a retry. */
  requestBody: Buffer | undefined;
  /** False once a body streamed upstream: the request cannot be sent again (terminal forwarders). */
  resendable = true;
  /** Takes over a failed attempt when the route retries (retry step). */
  retry: RetryHook | undefined;
  /** Extra response headers, `[name, value, …]`, added to whatever response the gateway sends (any step). */
  responseHeaders: string[] | undefined;
  /** A bulkhead slot this request holds, given back where it ends (bulkhead step). */
  permit: { release(): void } | undefined;
  /** The upstream exchange in progress (terminal forwarders), or a wait the gateway can cut (retry backoff, bulkhead queue). */
  upstream: UpstreamAttempt | undefined;
  private outcome: ((outcome: RequestOutcome) => void) | undefined;
  private timer: TimerHandle;
  private ip: string | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly headers: IncomingHeaders,
    readonly requestId: string,
    readonly startedAt: number,
    readonly context: ExchangeContext,
  ) {
    this.recorder = context.unmatched;
    context.inflight.start();
    res.once('close', this.onClose);
  }

  /** The scheme the client used to reach the gateway (its HTTPS or HTTP listener), sent upstream as X-Forwarded-Proto. */
  get protocol(): 'http' | 'https' {
    return (this.req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  }

  /**
   * The client's IP: the peer's address, or — when the peer is a trusted proxy — the address `X-Forwarded-For` names
   * (rate limits `by: ip`, consistent hashing on `ip`, release stickiness). Worked out once, on first use.
   */
  get clientIp(): string {
    return (this.ip ??= this.context.clientIp(this.req.socket.remoteAddress, this.headers.forwardedFor) ?? '');
  }

  /** True once the client has its answer (or left): later steps and attempts must not touch the response. */
  get done(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  /** Reports the outcome of an attempt to the balancer that picked its instance, before another attempt is picked. */
  picked(outcome: (outcome: RequestOutcome) => void): void {
    this.outcome?.({ ok: false, latencyMs: this.context.clock.monotonic() - this.startedAt });
    this.outcome = outcome;
  }

  /** Starts the deadline: when it passes before a response started, the client gets 504 and the upstream is stopped. */
  armDeadline(budgetMs: number, service: string): void {
    this.deadline = this.startedAt + budgetMs;
    this.timer = this.context.clock.setTimeout(() => {
      this.timer = undefined;
      const error = new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${service} did not answer within the deadline.`);
      this.recorder.deadlineExceeded();
      this.fail(error);
      this.upstream?.abort(error);
    }, Math.max(0, this.deadline - this.context.clock.monotonic()));
  }

  /** Milliseconds left until the deadline (0 when passed). */
  remainingMs(): number {
    return Math.max(0, this.deadline - this.context.clock.monotonic());
  }

  /** The response head is about to be written: the deadline no longer applies (a body streams as long as it flows). */
  responseStarted(): void {
    if (this.timer === undefined) return;
    this.context.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Answers with the error's JSON body, or cuts the connection if the response already started. */
  fail(error: GatewayError): void {
    if (this.res.writableEnded) return;
    this.responseStarted();
    const unreadBody = !this.req.complete && (this.headers.chunked || (this.headers.contentLength ?? '0') !== '0');
    sendError(this.res, error, this.requestId, unreadBody || this.context.draining(), this.responseHeaders);
  }

  /** Answers with whatever was thrown: a GatewayError as itself, anything else as a logged 500 (a gateway bug). */
  failWith(error: unknown): void {
    if (error instanceof GatewayError) {
      this.fail(error);
      return;
    }
    this.context.logger.error({ err: error, requestId: this.requestId }, 'gateway: unexpected error on the request path');
    this.fail(new GatewayError('MESHWAY_INTERNAL_ERROR', 'The gateway failed to forward the request.'));
  }

  private readonly onClose = (): void => {
    const finished = this.res.writableFinished;
    if (!finished) this.upstream?.abort(clientGone);
    this.responseStarted();
    const status = finished ? this.res.statusCode : CLIENT_CLOSED;
    const latencyMs = this.context.clock.monotonic() - this.startedAt;
    this.recorder.record(status, latencyMs / 1000);
    this.release?.record(this.releaseArm, status, latencyMs);
    this.permit?.release();
    this.outcome?.({ ok: finished && status < 500, latencyMs });
    this.context.inflight.end();
  };
}
