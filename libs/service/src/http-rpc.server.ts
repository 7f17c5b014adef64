import { Logger } from '@nestjs/common';
import { META } from '@meshway/discovery';
import { requestIdFrom } from '@meshway/logging';
import { MESH_HEADERS, PATTERN_RPC_PATH, type NestReply } from '@meshway/transport';
import { Server, Transport, type CustomTransportStrategy, type MessageHandler, type NatsContext, type WritePacket } from '@nestjs/microservices';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fromEvent, take, takeUntil, throwError, type Observable } from 'rxjs';
import { ApiError, ApiErrorCode } from './api-error.js';
import { toApiError } from './api-error.filter.js';
import { answerOf, errorAnswer, type HttpAnswer } from './http-reply.mapper.js';
import { requestEnvelope } from './http-request.envelope.js';
import { resolveHttpRpcOptions, type HttpRpcServerOptions, type ResolvedHttpRpcServerOptions } from './http-rpc.options.js';
import { rpcRoutes, type RpcRoute } from './http-rpc.routes.js';
import { rpcContext } from './rpc.context.js';
import { checkPattern, readRpcPacket } from './rpc.packet.js';
import { ServiceError, ServiceErrorCode } from './service.errors.js';

/** `POST ${RPC_PATH}/:pattern` calls a handler by pattern with a Nest NATS packet (see the README, "HTTP mode"). */
export const RPC_PATH = PATTERN_RPC_PATH;

/**
 * Registry meta of an instance that serves its message patterns at `POST /_meshway/rpc/:pattern` (value `http`):
 * how a caller (MeshClient) tells a NATS service in HTTP mode from a plain HTTP service.
 */
export const RPC_META = { key: META.rpc, value: 'http' } as const;

/** What Nest's own RPC filter answers for an error it does not know; the same for one that escaped every filter. */
const INTERNAL_ERR = { status: 'error', message: 'Internal server error' } as const;

function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** The id this request is logged and answered under: the one @meshway/logging chose (and echoes), else from the header. */
function requestIdOf(request: FastifyRequest, reply: FastifyReply): string {
  const chosen = reply.raw.getHeader(MESH_HEADERS.requestId);
  return typeof chosen === 'string' && chosen !== '' ? chosen : requestIdFrom(request.headers);
}

function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function write(reply: FastifyReply, answer: HttpAnswer): FastifyReply {
  void reply.code(answer.status).headers(answer.headers);
  return answer.body === undefined ? reply.send() : reply.send(answer.body);
}

/**
 * A Nest transport strategy that serves a NATS service's `@MessagePattern` handlers over HTTP, on the app's own
 * Fastify instance, for when there is no NATS (`MESHWAY_TRANSPORT=http`, or `auto` without NATS). Handlers run through
 * Nest's RPC pipeline (pipes, guards, interceptors, exception filters) with a `NatsContext`, exactly as over NATS:
 * - each announced route with a subject answers at the path the gateway forwards: the request becomes the
 *   `HttpRequestEnvelope` the gateway would have sent, and the reply becomes the HTTP answer the gateway would have made;
 * - `POST /_meshway/rpc/:pattern` takes a Nest NATS request packet and answers the Nest NATS reply packet, for
 *   service-to-service calls (MeshClient) by pattern.
 * `app.connectMicroservice({ strategy: new HttpRpcServer({ fastify, service, routes, stripPrefix }) })`.
 */
export class HttpRpcServer extends Server implements CustomTransportStrategy {
  /** It stands in for NATS: handlers bound to `Transport.NATS` are served too. */
  override readonly transportId = Transport.NATS;
  protected override readonly logger = new Logger(HttpRpcServer.name);
  private readonly options: ResolvedHttpRpcServerOptions;

  constructor(options: HttpRpcServerOptions) {
    super();
    this.options = resolveHttpRpcOptions(options);
  }

  /** Adds the routes (Nest calls this once the handlers are registered, before the app listens). */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const routes = this.servedRoutes();
      await this.options.fastify.register((scope, _options, done) => {
        this.addRoutes(scope, routes);
        done();
      });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** The routes live on the app's Fastify instance and close with it. */
  close(): void {
    // nothing of its own to close
  }

  on(): never {
    throw new Error('HttpRpcServer emits no events');
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- Nest's abstract signature
  unwrap<T>(): T {
    return this.options.fastify as T;
  }

  /** Every announced subject must have a handler: a route that can only fail is a bug to report at boot. */
  private servedRoutes(): RpcRoute[] {
    const routes = rpcRoutes(this.options.routes, this.options.stripPrefix);
    const missing = [...new Set(routes.map((route) => route.pattern))].filter((pattern) => this.requestHandler(pattern) === undefined);
    if (missing.length > 0) {
      const known = [...this.getHandlers().keys()].join(', ') || 'none';
      throw new ServiceError(ServiceErrorCode.InvalidOptions, `${this.options.service} announces routes to ${missing.join(', ')}, which no @MessagePattern handler answers (handlers: ${known})`);
    }
    return routes;
  }

  /** In their own Fastify scope: every body read raw (JSON or not, as the gateway forwards it), errors in our shape. */
  private addRoutes(scope: FastifyInstance, routes: readonly RpcRoute[]): void {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: this.options.bodyLimitBytes }, (_request, body, done) => {
      done(null, body);
    });
    scope.setErrorHandler((error, request, reply) => write(reply, errorAnswer(toApiError(error), requestIdOf(request, reply))));
    for (const route of routes) {
      scope.route({ method: route.method, url: route.url, exposeHeadRoute: false, handler: async (request, reply) => write(reply, await this.routeAnswer(route, request, reply)) });
    }
    scope.post(`${RPC_PATH}/:pattern`, async (request, reply) => write(reply, await this.rpcAnswer(request, reply)));
  }

  /** An announced route: the envelope in, the answer the gateway would make of the reply out. */
  private async routeAnswer(route: RpcRoute, request: FastifyRequest, reply: FastifyReply): Promise<HttpAnswer> {
    const requestId = requestIdOf(request, reply);
    const { rawHeaders } = request.raw;
    try {
      const params = request.params as Readonly<Record<string, string | undefined>>;
      const envelope = requestEnvelope({ method: request.method, url: request.url, params, rawHeaders, requestId, body: rawBody(request) });
      const packet = await this.call(route.pattern, envelope, rpcContext(route.pattern, rawHeaders, requestId), reply);
      return answerOf({ id: requestId, ...packet }, `${this.options.service} on "${route.pattern}"`, requestId);
    } catch (error) {
      return errorAnswer(this.answerable(error), requestId);
    }
  }

  /** `POST /_meshway/rpc/:pattern`: a Nest request packet in, 200 with the Nest reply packet out. */
  private async rpcAnswer(request: FastifyRequest, reply: FastifyReply): Promise<HttpAnswer> {
    const requestId = requestIdOf(request, reply);
    try {
      const pattern = checkPattern((request.params as { pattern: string }).pattern);
      if (this.requestHandler(pattern) === undefined) {
        throw new ApiError(404, ApiErrorCode.UnknownPattern, `${this.options.service} has no @MessagePattern handler for ${JSON.stringify(pattern)}`);
      }
      if (!isJsonType(request.headers['content-type'])) throw new ApiError(415, ApiErrorCode.RequestRejected, `${RPC_PATH} takes a JSON packet (content-type: application/json)`);
      const packet = readRpcPacket(pattern, rawBody(request));
      const answer = await this.call(pattern, packet.data, rpcContext(pattern, request.raw.rawHeaders, requestId), reply);
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', [MESH_HEADERS.requestId]: requestId }, body: this.replyPacket(packet.id, answer) };
    } catch (error) {
      return errorAnswer(this.answerable(error), requestId);
    }
  }

  /** A request-reply handler for `pattern` (an event handler answers nothing, so it does not count). */
  private requestHandler(pattern: string): MessageHandler | undefined {
    const handler = this.getHandlerByPattern(pattern);
    return handler === null || handler.isEventHandler === true ? undefined : handler;
  }

  /**
   * Runs the handler as Nest runs a NATS request (processing hooks, the reply stream through `send`) and resolves with
   * its first reply packet, always the last one (`isDisposed`): HTTP answers once. A client that goes away stops the stream.
   */
  private call(pattern: string, data: unknown, context: NatsContext, reply: FastifyReply): Promise<WritePacket> {
    const handler = this.requestHandler(pattern);
    if (handler === undefined) return Promise.resolve({ err: INTERNAL_ERR, isDisposed: true });
    const gone$ = fromEvent(reply.raw, 'close');
    const produce = async (): Promise<Observable<unknown>> => {
      try {
        return this.transformToObservable(await handler(data, context)).pipe(take(1), takeUntil(gone$));
      } catch (error) {
        // Nest's RPC proxy runs the exception filters; only an error thrown past them lands here.
        this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        return throwError(() => INTERNAL_ERR);
      }
    };
    return new Promise((resolve) => {
      this.handleRequest(context, produce, (packet) => {
        resolve({ ...packet, isDisposed: true });
      });
    });
  }

  /** The Nest NATS reply packet, as NATS would carry it (JSON). */
  private replyPacket(id: string | number, packet: WritePacket): string {
    const { err, response } = packet as NestReply;
    try {
      return JSON.stringify(err === undefined ? { id, response, isDisposed: true } : { id, err, isDisposed: true });
    } catch (error) {
      this.logger.error(`${this.options.service}: a reply could not be sent as JSON: ${(error as Error).message}`);
      return JSON.stringify({ id, err: INTERNAL_ERR, isDisposed: true });
    }
  }

  /** Our own 4xx as they are; anything unexpected is a 500 without internals, logged. */
  private answerable(error: unknown): ApiError {
    const answer = toApiError(error);
    if (answer.status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return answer;
  }
}
