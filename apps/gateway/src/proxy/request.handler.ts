import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@meshway/clock';
import { Exchange, type ExchangeContext } from '../chain/exchange.js';
import { GATEWAY_RESPONSE_HEADERS, GatewayError } from '../gateway.errors.js';
import type { RouteCatalog } from '../routing/route-catalog.js';
import { parseRequestTarget } from '../routing/request-target.js';
import { isServiceInternal, stripPrefix } from '../routing/strip-prefix.js';
import { acceptableRequestId, hostnameOf, readIncomingHeaders } from './incoming-headers.js';

/** A CORS preflight, answered by the gateway itself: 204 with the route's CORS headers, or 403 without them. */
function answerPreflight(ex: Exchange, headers: Record<string, string> | undefined): void {
  ex.res.writeHead(headers ? 204 : 403, { ...GATEWAY_RESPONSE_HEADERS, ...headers, 'x-request-id': ex.requestId, 'content-length': '0' });
  ex.res.end();
}

export interface RequestHandlerDeps {
  readonly catalog: RouteCatalog;
  readonly clock: Clock;
  readonly context: ExchangeContext;
  /** Paths the gateway answers itself before any route (the API docs); true when it did. */
  readonly builtins?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
}

/**
 * The hot path's entry: read the headers once, match the route, and hand the exchange to the route's compiled chain.
 * Kept free of Nest and Fastify (see the README's "Performance"). Whatever a step throws is answered here.
 */
export class RequestHandler {
  constructor(private readonly deps: RequestHandlerDeps) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = readIncomingHeaders(req.rawHeaders);
    const requestId = acceptableRequestId(headers.requestId) ? headers.requestId : randomUUID();
    const ex = new Exchange(req, res, headers, requestId, this.deps.clock.monotonic(), this.deps.context);
    try {
      this.route(ex);
    } catch (error) {
      ex.failWith(error);
    }
  };

  private route(ex: Exchange): void {
    if (ex.headers.duplicateHost) throw new GatewayError('MESHWAY_BAD_REQUEST', 'More than one Host header.');
    if (ex.headers.host === undefined && ex.req.httpVersion === '1.1') throw new GatewayError('MESHWAY_BAD_REQUEST', 'An HTTP/1.1 request needs a Host header.');
    const target = parseRequestTarget(ex.req.url);
    if (this.deps.builtins?.(ex.req, ex.res, target.path)) return;
    const host = hostnameOf(ex.headers.host);
    if (ex.req.method === 'OPTIONS' && ex.headers.origin !== undefined && ex.headers.corsMethod !== undefined && this.preflight(ex, host, target.path)) return;
    const { route, params } = this.deps.catalog.table.match(ex.req.method ?? 'GET', host, target.path);
    ex.params = params;
    ex.path = stripPrefix(target.path, route.spec.stripPrefix);
    if (isServiceInternal(ex.path)) throw new GatewayError('MESHWAY_NO_ROUTE', `No route for ${ex.req.method ?? 'GET'} ${target.path}.`);
    ex.search = target.search;
    route.chain.run(ex);
  }

  /** Answers a CORS preflight for a route with CORS rules; false when the route has none (the OPTIONS is routed as usual). */
  private preflight(ex: Exchange, host: string | undefined, path: string): boolean {
    const method = ex.headers.corsMethod ?? '';
    const route = this.deps.catalog.table.find(method, host, path);
    if (!route?.cors) return false;
    answerPreflight(ex, route.cors.preflightHeaders(ex.headers.origin, method, ex.headers.corsHeaders));
    return true;
  }
}
