import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsulHttpError, RegistryErrorCode } from '../registry.errors.js';
import { JSON_CONTENT_TYPE } from './response.cache.js';

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const ANSWERED: readonly Method[] = ['GET', 'PUT', 'POST', 'DELETE'];

/**
 * Registers a Consul endpoint: the handler for its methods, `405 method X not allowed` for the others
 * (Consul's answer), and `OPTIONS` with an `Allow` header.
 */
export function route(app: FastifyInstance, methods: readonly Method[], url: string, handler: Handler, bodyLimit?: number): void {
  app.route({ method: [...methods], url, handler, ...(bodyLimit === undefined ? {} : { bodyLimit }) });
  const others = ANSWERED.filter((m) => !methods.includes(m));
  if (others.length > 0) {
    app.route({
      method: [...others, 'PATCH'],
      url,
      handler: (request) => {
        throw new ConsulHttpError(RegistryErrorCode.MethodNotAllowed, `method ${request.method} not allowed`);
      },
    });
  }
  app.route({
    method: 'OPTIONS',
    url,
    handler: async (_request, reply) => {
      await reply.header('Allow', [...methods, 'OPTIONS'].join(',')).code(200).send('');
    },
  });
}

/** Sends a write's answer: JSON when there is one, else Consul's empty 200 (no body, so no Content-Type either). */
export async function sendResult(reply: FastifyReply, value?: unknown): Promise<void> {
  if (value === undefined) await reply.code(200).send();
  else await sendJson(reply, value);
}

/**
 * Sends a JSON answer with Consul's exact `Content-Type: application/json`. The body goes as bytes: fastify
 * appends `; charset=utf-8` to a JSON type sent as a string, and every endpoint must answer alike.
 */
export async function sendJson(reply: FastifyReply, value: unknown, status = 200): Promise<void> {
  await reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(Buffer.from(JSON.stringify(value)));
}
