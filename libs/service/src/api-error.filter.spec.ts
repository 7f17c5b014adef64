import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { TransportError, TransportErrorCode } from '@meshway/transport';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { toApiError } from './api-error.filter.js';

describe('toApiError: one error shape for whatever a handler throws', () => {
  it('keeps an ApiError as it is', () => {
    const error = new ApiError(404, 'USER_NOT_FOUND', 'No user with id "7"');
    expect(toApiError(error)).toBe(error);
  });

  it.each<[unknown, number, string, string]>([
    [new NotFoundException('Cannot GET /nowhere'), 404, 'NOT_FOUND', 'Cannot GET /nowhere'],
    [new BadRequestException('bad'), 400, 'BAD_REQUEST', 'bad'],
    [new PayloadTooLargeException('too big'), 413, 'PAYLOAD_TOO_LARGE', 'too big'],
    [Object.assign(new Error('Unsupported Media Type: text/csv'), { statusCode: 415 }), 415, 'REQUEST_REJECTED', 'Unsupported Media Type: text/csv'],
    [Object.assign(new Error("Body is not valid JSON but content-type is set to 'application/json'"), { statusCode: 400 }), 400, 'BAD_REQUEST', "Body is not valid JSON but content-type is set to 'application/json'"],
    [new ServiceUnavailableException('draining'), 503, 'INTERNAL_ERROR', 'draining'],
    [new RpcException({ status: 404, message: 'Order not found' }), 404, 'NOT_FOUND', 'Order not found'],
    [new RpcException({ status: 409, code: 'ORDER_EXISTS', message: 'Order exists' }), 409, 'ORDER_EXISTS', 'Order exists'],
    [new RpcException({ status: 422, code: 'not a code!', message: 'Unprocessable' }), 422, 'REQUEST_REJECTED', 'Unprocessable'],
    [new RpcException({ status: 503 }), 503, 'INTERNAL_ERROR', 'Request rejected'],
    [new HttpException({ error: { code: 'MESHWAY_RATE_LIMITED', message: 'Too many requests' } }, 429), 429, 'MESHWAY_RATE_LIMITED', 'Too many requests'],
    [new HttpException({ error: { code: 'MESHWAY_RATE_LIMIT_UNAVAILABLE', message: 'Rate limit store unreachable' } }, 503), 503, 'MESHWAY_RATE_LIMIT_UNAVAILABLE', 'Rate limit store unreachable'],
    [new TransportError(TransportErrorCode.DeadlineExceeded, 'The deadline passed before calling "users"'), 504, 'MESHWAY_DEADLINE_EXCEEDED', 'The deadline passed before calling "users"'],
    [new TransportError(TransportErrorCode.NoInstance, 'No healthy instance of "users"'), 503, 'MESHWAY_NO_INSTANCE', 'No healthy instance of "users"'],
    [new TransportError(TransportErrorCode.UpstreamError, 'users answered 404', 404), 502, 'MESHWAY_UPSTREAM_ERROR', 'users answered 404'],
    [new HttpException({ error: { code: 'lower case', message: 'x' } }, 429), 429, 'REQUEST_REJECTED', 'Http Exception'],
  ])('maps %o to %i %s', (thrown, status, code, message) => {
    expect(toApiError(thrown)).toMatchObject({ status, code, message });
  });

  it('hides the internals of an unexpected error behind 500 INTERNAL_ERROR', () => {
    expect(toApiError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(toApiError('a string')).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(toApiError(new RpcException('database down'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(toApiError(new RpcException({ status: 'error', message: 'x' }))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(toApiError(new TransportError(TransportErrorCode.InvalidCall, 'bad target'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});
