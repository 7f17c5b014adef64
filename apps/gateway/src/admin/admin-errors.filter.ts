import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gateway } from '../gateway.js';
import { GATEWAY_CONFIG_ERROR, GatewayConfigError, GatewayError } from '../gateway.errors.js';

/** Nest's own HTTP errors (unknown admin path, unreadable JSON body) in the gateway's error shape. */
function fromHttpException(error: HttpException): { status: number; code: string; message: string } {
  const status = error.getStatus();
  const code = status === 404 ? 'MESHWAY_NOT_FOUND' : status === 413 ? 'MESHWAY_BODY_TOO_LARGE' : status < 500 ? 'MESHWAY_BAD_REQUEST' : 'MESHWAY_INTERNAL_ERROR';
  return { status, code, message: error.message };
}

/**
 * Every admin API error as `{ error: { code, message, requestId } }`: GatewayErrors with their table status, invalid
 * configuration as 400 `MESHWAY_GATEWAY_INVALID_CONFIG` naming the fields, anything unexpected as a logged 500.
 */
@Catch()
export class AdminErrorsFilter implements ExceptionFilter {
  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const requestId = typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : randomUUID();
    let answer: { status: number; code: string; message: string; headers?: Readonly<Record<string, string>> | undefined };
    if (error instanceof GatewayError) answer = { status: error.status, code: error.code, message: error.message, headers: error.headers };
    else if (error instanceof GatewayConfigError) answer = { status: 400, code: GATEWAY_CONFIG_ERROR, message: error.message };
    else if (error instanceof HttpException) answer = fromHttpException(error);
    else {
      this.gateway.logger.error({ err: error, requestId }, 'gateway: admin API failed');
      answer = { status: 500, code: 'MESHWAY_INTERNAL_ERROR', message: 'The admin API failed; see the gateway log.' };
    }
    void reply
      .code(answer.status)
      .headers({ 'x-request-id': requestId, ...answer.headers })
      .send({ error: { code: answer.code, message: answer.message, requestId } });
  }
}
