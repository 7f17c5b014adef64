import { startNestApp, type StartedNestApp } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from './app.module.js';

describe('users HTTP API (in process, port 0)', () => {
  let app: StartedNestApp;

  beforeAll(async () => {
    // One log line per request would bury the test report; errors still show.
    process.env.LOG_LEVEL ??= 'error';
    app = await startNestApp(AppModule, { logger: false });
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (path: string) => fetch(`${app.url}${path}`);
  const post = (body: string) => fetch(`${app.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('lists the seeded users', async () => {
    const response = await get('/users');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { id: '1', name: 'Ada Lovelace', email: 'ada@example.com' },
      { id: '2', name: 'Alan Turing', email: 'alan@example.com' },
    ]);
  });

  it('gets a user by id', async () => {
    expect(await (await get('/users/2')).json()).toEqual({ id: '2', name: 'Alan Turing', email: 'alan@example.com' });
  });

  it('answers an unknown id with 404 USER_NOT_FOUND', async () => {
    const response = await get('/users/404');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'USER_NOT_FOUND', message: 'No user with id "404"', requestId: expect.any(String) } });
  });

  it('creates a user: 201 with id, name and email, then finds it', async () => {
    const response = await post(JSON.stringify({ name: '  Grace Hopper ', email: 'grace@example.com' }));
    expect(response.status).toBe(201);
    const user = await response.json();
    expect(user).toEqual({ id: expect.any(String), name: 'Grace Hopper', email: 'grace@example.com' });
    expect(await (await get(`/users/${user.id}`)).json()).toEqual(user);
  });

  it.each([
    ['a missing name and email', {}, ['name', 'email']],
    ['an empty name', { name: ' ', email: 'x@example.com' }, ['name']],
    ['a name over 100 characters', { name: 'n'.repeat(101), email: 'x@example.com' }, ['name']],
    ['a name that is not a string', { name: 7, email: 'x@example.com' }, ['name']],
    ['an invalid email', { name: 'X', email: 'not-an-email' }, ['email']],
  ])('rejects %s with 400 VALIDATION_FAILED naming each bad field', async (_case, body, fields) => {
    const response = await post(JSON.stringify(body));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; details: { field: string }[] } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.field)).toEqual(fields);
  });

  it('rejects an email already in use with 409 USER_EMAIL_TAKEN', async () => {
    const response = await post(JSON.stringify({ name: 'Ada', email: 'ada@example.com' }));
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('USER_EMAIL_TAKEN');
  });

  it('rejects malformed JSON with 400 BAD_REQUEST, not a 500', async () => {
    const response = await post('{"name": "Ada",');
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('BAD_REQUEST');
  });
});
