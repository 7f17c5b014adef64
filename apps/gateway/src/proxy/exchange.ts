import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@meshway/clock';
import type { RequestOutcome } from '@meshway/balancing';
import { sendError, type GatewayError } from '../gateway.errors.js';
import type { RouteRecorder } from '../metrics/gateway.metrics.js';
import type { Route } from '../routing/route-table.js';
import type { IncomingHeaders } from './incoming-headers.js';
import type { InflightTracker } from './inflight.tracker.js';

/** What every exchange shares with the server that made it. */
export interface ExchangeContext {
  readonly clock: Clock;
  readonly inflight: InflightTracker;
  /** Records requests that matched no route. */
  readonly unmatched: RouteRecorder;
  /** True while the server drains: responses then close their connection. */
  readonly draining: () => boolean;
}

/** Status recorded for a request whose client went away before the response finished (nginx's convention). */
export const CLIENT_CLOSED = 499;

/**
 * One request through the gateway. Its response's `close` event is the single place where a request
 * ends: metrics, the balancer's outcome and the in-flight count are settled there, whatever happened.
 */
export class Exchange {
  route: Route | undefined;
  params: Readonly<Record<string, string | undefined>> = {};
  /** Path sent upstream (normalised, prefix stripped) and the query string. */
  path = '/';
  search = '';
  /** Monotonic ms by which the upstream must have answered. */
  deadline = 0;
  /** Set by a forwarder: stops the upstream exchange when the client goes away. */
  onClientGone: (() => void) | undefined;
  private outcome: ((outcome: RequestOutcome) => void) | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly headers: IncomingHeaders,
    readonly requestId: string,
    readonly startedAt: number,
    readonly context: ExchangeContext,
  ) {
    context.inflight.start();
    res.once('close', this.onClose);
  }

  /** Reports the request's outcome to the balancer that picked its instance; an earlier pick (failed over) counts as a failure. */
  picked(outcome: (outcome: RequestOutcome) => void): void {
    this.outcome?.({ ok: false, latencyMs: this.context.clock.monotonic() - this.startedAt });
    this.outcome = outcome;
  }

  /** Answers with the error's JSON body, or cuts the connection if the response already started. */
  fail(error: GatewayError): void {
    if (this.res.writableEnded) return;
    const unreadBody = !this.req.complete && (this.headers.chunked || (this.headers.contentLength ?? '0') !== '0');
    sendError(this.res, error, this.requestId, unreadBody || this.context.draining());
  }

  private readonly onClose = (): void => {
    const finished = this.res.writableFinished;
    if (!finished) this.onClientGone?.();
    const status = finished ? this.res.statusCode : CLIENT_CLOSED;
    const latencyMs = this.context.clock.monotonic() - this.startedAt;
    (this.route?.recorder ?? this.context.unmatched).record(status, latencyMs / 1000);
    this.outcome?.({ ok: finished && status < 500, latencyMs });
    this.context.inflight.end();
  };
}
