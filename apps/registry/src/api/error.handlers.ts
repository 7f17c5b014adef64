import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConsulHttpError, RegistryErrorCode } from '../registry.errors.js';
import type { RegistryLogger } from '../registry.logger.js';
import { tooLarge } from './kv.routes.js';
import { MAX_TXN_BODY_BYTES } from './txn.request.js';

/** Sends an error as Consul does: status + plain-text reason; our stable code rides in a header. */
export async function sendError(reply: FastifyReply, status: number, reason: string, code: string): Promise<void> {
  await reply.code(status).header('X-Meshway-Error', code).type('text/plain; charset=utf-8').send(reason);
}

/** Every error thrown by a route or by fastify while reading the request ends here. Bad input never becomes a 500. */
export function errorHandler(logger: RegistryLogger) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (error instanceof ConsulHttpError) return sendError(reply, error.statusCode, error.message, error.code);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const length = Number(request.headers['content-length'] ?? 0);
      if (request.url.startsWith('/v1/kv/')) return sendError(reply, 413, tooLarge(length).message, RegistryErrorCode.TooLarge);
      if (request.url.split('?')[0] === '/v1/txn') return sendError(reply, 413, `Request body too large, max size: ${MAX_TXN_BODY_BYTES} bytes`, RegistryErrorCode.TooLarge);
      return sendError(reply, 413, `Request body too large (${length || 'unknown'} bytes)`, RegistryErrorCode.TooLarge);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, error.message, RegistryErrorCode.BadRequest);
    // The path only: a query string may carry ?token=.
    logger.error({ error: error.message, stack: error.stack, method: request.method, path: request.url.split('?')[0] }, 'unexpected error answering a request');
    return sendError(reply, 500, `Internal error: ${error.message}`, 'MESHWAY_REGISTRY_INTERNAL');
  };
}

/** Errors fastify raises before routing (a malformed URL, a bad header). */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400;
  const reason =
    error.code === 'FST_ERR_BAD_URL' ? `Invalid URL: ${error.message}` : status === 414 ? 'URI too long: a path segment is over 1024 characters' : error.message;
  void sendError(reply, status, reason, RegistryErrorCode.BadRequest);
}

/** Errors Node's HTTP parser raises before fastify sees a request (headers too large, garbage): plain text too. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return;
  const [status, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
  const body = reason;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nX-Meshway-Error: ${RegistryErrorCode.BadRequest}\r\nConnection: close\r\n\r\n${body}`);
}

export async function notFoundHandler(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await sendError(reply, 404, '404 page not found', RegistryErrorCode.NotFound);
}
