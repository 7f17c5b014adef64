import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';
import type { ResolvedLoggingOptions } from './logging.options.js';
import { firstValue, REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { parseTraceparent } from './traceparent.js';

/** Fields bound to every line logged while handling a request. */
export interface RequestBindings {
  requestId: string;
  traceId?: string;
  spanId?: string;
}

export type RequestMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const bindingsOf = new WeakMap<IncomingMessage, RequestBindings>();

function bindingsFor(req: IncomingMessage): RequestBindings {
  let bindings = bindingsOf.get(req);
  if (!bindings) {
    const trace = parseTraceparent(firstValue(req.headers.traceparent));
    bindings = { requestId: requestIdFrom(req.headers), ...(trace && { traceId: trace.traceId, spanId: trace.spanId }) };
    bindingsOf.set(req, bindings);
  }
  return bindings;
}

/** The URL as received: middie strips the matched middleware path from `req.url` and keeps `originalUrl`. */
function urlOf(req: IncomingMessage & { originalUrl?: string }): string {
  return req.originalUrl ?? req.url ?? '/';
}

/**
 * For a plain 5xx pino-http invents an Error ("failed with status code 500") whose stack points into pino-http:
 * noise next to the handler's own error line, so only real errors are kept on the request line.
 */
function withoutStatusError(_req: IncomingMessage, res: ServerResponse, error: Error, value: Record<string, unknown>): Record<string, unknown> {
  if (error.message !== `failed with status code ${res.statusCode}`) return value;
  const { err: _synthetic, ...rest } = value;
  return rest;
}

function levelFor(_req: IncomingMessage, res: ServerResponse, error?: Error): pino.LevelWithSilent {
  if (error || res.statusCode >= 500) return 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
}

/**
 * Per request: picks the id (a sane incoming `x-request-id`, else a UUID), echoes it in the response,
 * logs one line when the response finishes (pino-http), and sets `req.log` to a child logger carrying
 * `requestId` (and `traceId`/`spanId` from `traceparent`) — nestjs-pino then runs the handler with it
 * in AsyncLocalStorage, so every line logged for the request carries them.
 */
export function requestLoggingMiddleware(logger: pino.Logger, options: ResolvedLoggingOptions): RequestMiddleware {
  const pathOf = (req: IncomingMessage): string => urlOf(req).split('?', 1)[0] ?? '/';
  const httpLogger = pinoHttp({
    logger,
    genReqId: (req) => bindingsFor(req).requestId,
    customProps: (req) => bindingsFor(req),
    customLogLevel: levelFor,
    autoLogging: options.autoLogging && { ignore: (req) => options.quietPaths.has(pathOf(req)) },
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${urlOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${urlOf(req)} ${res.statusCode} failed`,
    customErrorObject: withoutStatusError,
  });
  return (req, res, next) => {
    const bindings = bindingsFor(req);
    // Fastify's middie pre-fills req.id and req.log with Fastify's own; ours replace them.
    req.id = bindings.requestId;
    res.setHeader(REQUEST_ID_HEADER, bindings.requestId);
    httpLogger(req, res);
    req.log = logger.child(bindings);
    next();
  };
}
