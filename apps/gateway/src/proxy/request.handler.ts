import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@meshway/clock';
import { GatewayError } from '../gateway.errors.js';
import type { GatewayLogger } from '../gateway.logger.js';
import type { NatsForwarder } from '../nats/nats.forwarder.js';
import type { RouteCatalog } from '../routing/route-catalog.js';
import { parseRequestTarget } from '../routing/request-target.js';
import { stripPrefix } from '../routing/strip-prefix.js';
import type { Route } from '../routing/route-table.js';
import { Exchange, type ExchangeContext } from './exchange.js';
import type { HttpForwarder } from './http.forwarder.js';
import { acceptableRequestId, hostnameOf, readIncomingHeaders } from './incoming-headers.js';
import { checkDeclaredLength } from './request-body.js';

export interface RequestHandlerDeps {
  readonly catalog: RouteCatalog;
  readonly http: HttpForwarder;
  readonly nats: NatsForwarder;
  readonly clock: Clock;
  readonly context: ExchangeContext;
  readonly logger: GatewayLogger;
}

const TIMEOUT_VALUE = /^[1-9][0-9]{0,9}$/;

/** The caller's `x-request-timeout` (ms), capped by the route's timeout. */
function budgetOf(route: Route, header: string | undefined): number {
  if (header === undefined) return route.spec.timeoutMs;
  if (!TIMEOUT_VALUE.test(header)) throw new GatewayError('MESHWAY_BAD_REQUEST', `x-request-timeout must be a positive integer of milliseconds, got ${JSON.stringify(header)}.`);
  return Math.min(Number(header), route.spec.timeoutMs);
}

/** The hot path: match, pick, forward. Kept free of Nest and Fastify (see the README's "Performance"). */
export class RequestHandler {
  constructor(private readonly deps: RequestHandlerDeps) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = readIncomingHeaders(req.rawHeaders);
    const requestId = acceptableRequestId(headers.requestId) ? headers.requestId : randomUUID();
    const ex = new Exchange(req, res, headers, requestId, this.deps.clock.monotonic(), this.deps.context);
    try {
      this.route(ex);
    } catch (error) {
      if (error instanceof GatewayError) {
        ex.fail(error);
        return;
      }
      this.deps.logger.error({ err: error, requestId }, 'gateway: unexpected error on the request path');
      ex.fail(new GatewayError('MESHWAY_INTERNAL_ERROR', 'The gateway failed to forward the request.'));
    }
  };

  private route(ex: Exchange): void {
    if (ex.headers.duplicateHost) throw new GatewayError('MESHWAY_BAD_REQUEST', 'More than one Host header.');
    if (ex.headers.host === undefined && ex.req.httpVersion === '1.1') throw new GatewayError('MESHWAY_BAD_REQUEST', 'An HTTP/1.1 request needs a Host header.');
    const target = parseRequestTarget(ex.req.url);
    const { route, params } = this.deps.catalog.table.match(ex.req.method ?? 'GET', hostnameOf(ex.headers.host), target.path);
    ex.route = route;
    ex.params = params;
    ex.path = stripPrefix(target.path, route.spec.stripPrefix);
    ex.search = target.search;
    const budget = budgetOf(route, ex.headers.timeout);
    ex.deadline = ex.startedAt + budget;
    checkDeclaredLength(ex.headers.contentLength, route.spec.bodyLimitBytes);
    if (route.spec.transport === 'nats') {
      if (route.upstream.instances.length === 0) throw noInstance(route);
      this.deps.nats.forward(ex);
      return;
    }
    const instance = route.balancer.pick(route.upstream.httpInstances);
    const httpTarget = instance && route.upstream.target(instance);
    if (!instance || !httpTarget) throw noInstance(route);
    ex.picked(route.balancer.begin(instance));
    this.deps.http.forward(ex, httpTarget, budget, route.failover);
  }
}

function noInstance(route: Route): GatewayError {
  return new GatewayError('MESHWAY_NO_INSTANCE', `No healthy instance of ${route.spec.service}.`);
}
