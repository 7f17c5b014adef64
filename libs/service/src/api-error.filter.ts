import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { MESH_HEADERS, TransportError, UPSTREAM_ERROR_STATUS, isUpstreamErrorCode, reply, type HttpReplyEnvelope } from '@meshway/transport';
import { of, type Observable } from 'rxjs';
import { ApiError, ApiErrorCode } from './api-error.js';

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: ApiErrorCode.BadRequest,
  404: ApiErrorCode.NotFound,
  413: ApiErrorCode.PayloadTooLarge,
};

/** Errors from Fastify (bad JSON, body too large, bad content type) carry their own 4xx `statusCode`. */
function clientStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** `RpcException({ status: 404, message, code? })` keeps its status (as it would reaching the gateway as a NATS `err`). */
function fromRpcException(exception: RpcException): ApiError | undefined {
  const error: unknown = exception.getError();
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, message, code } = error as { status?: unknown; message?: unknown; code?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return undefined;
  const stableCode = typeof code === 'string' && CODE.test(code) ? code : (CODE_BY_STATUS[status] ?? (status >= 500 ? ApiErrorCode.Internal : ApiErrorCode.RequestRejected));
  return new ApiError(status, stableCode, typeof message === 'string' ? message : 'Request rejected');
}

/**
 * An `HttpException` whose response is already `{ error: { code, message } }` (a guard of `@meshway/rate-limit/nest`
 * or `@meshway/auth/nest`, or a service's own) keeps its status, code and message.
 */
function fromShapedHttpException(exception: HttpException): ApiError | undefined {
  const response: unknown = exception.getResponse();
  const error = typeof response === 'object' && response !== null ? (response as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const status = exception.getStatus();
  if (typeof code !== 'string' || !CODE.test(code) || typeof message !== 'string' || status < 400 || status > 599) return undefined;
  return new ApiError(status, code, message);
}

/**
 * A MeshClient call the handler let fail answers as the gateway would: 504 MESHWAY_UPSTREAM_TIMEOUT /
 * MESHWAY_DEADLINE_EXCEEDED, 503 MESHWAY_NO_INSTANCE, 502 MESHWAY_UPSTREAM_UNAVAILABLE… A dependency's own 4xx is not
 * the client's: it stays 502 MESHWAY_UPSTREAM_ERROR unless the handler catches it and says otherwise.
 */
function fromTransportError(exception: TransportError): ApiError | undefined {
  if (!isUpstreamErrorCode(exception.code)) return undefined;
  return new ApiError(UPSTREAM_ERROR_STATUS[exception.code], exception.code, exception.message);
}

/** Maps anything thrown by a handler to an {@link ApiError}; unexpected errors become 500 INTERNAL_ERROR. */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  const upstream = exception instanceof TransportError ? fromTransportError(exception) : undefined;
  if (upstream !== undefined) return upstream;
  const shaped = exception instanceof RpcException ? fromRpcException(exception) : exception instanceof HttpException ? fromShapedHttpException(exception) : undefined;
  if (shaped !== undefined) return shaped;
  const status = clientStatusOf(exception);
  if (status !== undefined) {
    const message = exception instanceof Error ? exception.message : 'Request rejected';
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ApiErrorCode.Internal : ApiErrorCode.RequestRejected);
    return new ApiError(status, code, message);
  }
  return new ApiError(500, ApiErrorCode.Internal, 'Internal server error');
}

function headerValue(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** pino-http stores the request id on the raw request (`req.raw.id` under Fastify); fall back to the header. */
function httpRequestId(request: unknown): string | undefined {
  const req = request as { raw?: { id?: unknown }; id?: unknown; headers?: unknown };
  const id = req.raw?.id ?? req.id;
  return typeof id === 'string' ? id : headerValue(req.headers, MESH_HEADERS.requestId);
}

function natsRequestId(context: unknown): string | undefined {
  const headers = (context as { getHeaders?: () => { get(name: string): string } | undefined }).getHeaders?.();
  return headers?.get(MESH_HEADERS.requestId) || undefined;
}

/**
 * One error shape for every service, over HTTP and NATS: `{ error: { code, message, details?, requestId? } }`.
 * Over NATS the error travels as an {@link HttpReplyEnvelope}, so the gateway answers with the same status and body.
 * Unexpected errors are logged with their stack and answered as 500 without internals.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<HttpReplyEnvelope> | undefined {
    const error = toApiError(exception);
    // A 5xx the code chose (an ApiError, or an exception already carrying a code) is an answer, not a bug.
    if (error.code === ApiErrorCode.Internal) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (host.getType() === 'rpc') {
      const requestId = natsRequestId(host.switchToRpc().getContext());
      return of(reply(error.status, error.toBody(requestId)));
    }
    const http = host.switchToHttp();
    const body = error.toBody(httpRequestId(http.getRequest()));
    this.adapterHost.httpAdapter.reply(http.getResponse(), body, error.status);
    return undefined;
  }
}
