import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import type { ResolvedLoggingOptions } from './logging.options.js';
import { firstValue, REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { parseTraceparent } from './traceparent.js';

/** Fields bound to every line logged while handling a request. */
export interface RequestBindings {
  requestId: string;
  traceId?: string;
  spanId?: string;
}

type Request = IncomingMessage & { originalUrl?: string };
export type RequestMiddleware = (req: Request, res: ServerResponse, next: () => void) => void;

function bindingsFor(req: IncomingMessage): RequestBindings {
  const requestId = requestIdFrom(req.headers);
  const trace = parseTraceparent(firstValue(req.headers.traceparent));
  return trace ? { requestId, traceId: trace.traceId, spanId: trace.spanId } : { requestId };
}

/** The URL as received: middie strips the matched middleware path from `req.url` and keeps `originalUrl`. */
function urlOf(req: Request): string {
  return req.originalUrl ?? req.url ?? '/';
}

/**
 * Logs one line when the response is sent (`GET /orders 200`; warn for 4xx, error for 5xx) or the client
 * goes away first (`… aborted`, warn). The request is serialized only here, once, and only if logged.
 */
function logWhenDone(req: Request, res: ServerResponse, log: pino.Logger): void {
  const started = performance.now();
  const done = (): void => {
    res.off('finish', done).off('close', done);
    const aborted = !res.writableFinished;
    const status = res.statusCode;
    const level = aborted || (status >= 400 && status < 500) ? 'warn' : status >= 500 ? 'error' : 'info';
    const fields = {
      req: { method: req.method, url: urlOf(req), headers: req.headers, remoteAddress: req.socket.remoteAddress, remotePort: req.socket.remotePort },
      res: { statusCode: status, headers: res.getHeaders() },
      responseTime: Math.round(performance.now() - started),
    };
    log[level](fields, `${req.method ?? ''} ${urlOf(req)} ${aborted ? 'aborted' : status}`);
  };
  res.once('finish', done).once('close', done);
}

/**
 * Per request: picks the id (a sane incoming `x-request-id`, else a UUID), echoes it in the response, sets
 * `req.id`, and `req.log` to a child logger carrying `requestId` (and `traceId`/`spanId` from `traceparent`) —
 * nestjs-pino then runs the handler with it in AsyncLocalStorage, so every line of the request carries them —
 * and logs one line when the response is done.
 */
export function requestLoggingMiddleware(logger: pino.Logger, options: ResolvedLoggingOptions): RequestMiddleware {
  const logged = (req: Request): boolean => options.autoLogging && !options.quietPaths.has(urlOf(req).split('?', 1)[0] ?? '/');
  return (req, res, next) => {
    const bindings = bindingsFor(req);
    // Fastify's middie pre-fills req.id and req.log with Fastify's own; ours replace them.
    req.id = bindings.requestId;
    req.log = logger.child(bindings);
    res.setHeader(REQUEST_ID_HEADER, bindings.requestId);
    if (logged(req)) logWhenDone(req, res, req.log);
    next();
  };
}
