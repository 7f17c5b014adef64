import { startNestApp } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from './app.module.js';

describe('POST /users/echo (in process, port 0)', () => {
  let app: Awaited<ReturnType<typeof startNestApp>>;

  beforeAll(async () => {
    // One log line per request would bury the test report; errors still show.
    process.env.LOG_LEVEL ??= 'error';
    app = await startNestApp(AppModule, { logger: false });
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (body: string) =>
    fetch(`${app.url}/users/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('echoes the message, naming the service and the instance', async () => {
    const response = await post(JSON.stringify({ message: 'hello' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echo: 'hello', service: 'users', instance: expect.stringMatching(/^users-/) });
  });

  it.each([
    ['a missing message', {}],
    ['an empty message', { message: '' }],
    ['a message that is not a string', { message: 42 }],
    ['a message over 500 characters', { message: 'x'.repeat(501) }],
  ])('rejects %s with 400 VALIDATION_FAILED naming the field', async (_case, body) => {
    const response = await post(JSON.stringify(body));
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('message') });
    expect(error.details).toEqual([{ field: 'message', message: expect.any(String) }]);
  });

  it('rejects malformed JSON with 400 BAD_REQUEST, not a 500', async () => {
    const response = await post('{"message": ');
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('BAD_REQUEST');
  });
});
