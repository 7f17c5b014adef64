import { ApiError, HttpEnvelopePipe, resolveServiceOptions, ServiceIdentity } from '@meshway/service';
import type { HttpRequestEnvelope } from '@meshway/transport';
import { describe, expect, it } from 'vitest';
import { EchoHandler } from './echo.handler.js';
import { serviceOptions } from './service.options.js';

const handler = new EchoHandler(new ServiceIdentity(resolveServiceOptions(serviceOptions)));
const envelope = (body: unknown): HttpRequestEnvelope => ({ method: 'POST', path: '/notifications/echo', params: {}, query: {}, headers: {}, body });

function rejection(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('notifications.echo handler', () => {
  it('replies 200 with the message, naming the service', () => {
    expect(handler.echo(envelope({ message: 'hello' }))).toEqual({
      status: 200,
      body: { echo: 'hello', service: 'notifications', instance: expect.stringMatching(/^notifications-/) },
    });
  });

  it.each([
    ['a missing body', null],
    ['a missing message', {}],
    ['an empty message', { message: '' }],
    ['a message that is not a string', { message: 42 }],
  ])('rejects %s with 400 VALIDATION_FAILED', (_case, body) => {
    const error = rejection(() => handler.echo(envelope(body)));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.details?.length).toBeGreaterThan(0);
  });

  it('rejects a payload that is not an HTTP envelope with 400 BAD_REQUEST', () => {
    const error = rejection(() => new HttpEnvelopePipe().transform('just a string'));
    expect(error).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});
