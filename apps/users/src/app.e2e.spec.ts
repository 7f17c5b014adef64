import { fileURLToPath } from 'node:url';
import { packageVersion } from '@meshway/service';
import { freePort, spawnTs, type ManagedProcess } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real service process, as `npm run serve` starts it, on a free port.
describe('users service (real process, real HTTP)', () => {
  let service: ManagedProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = spawnTs(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      name: 'users',
      env: { PORT: String(port), HOST: '127.0.0.1', MESHWAY_REGISTER: 'false' },
    });
    await service.waitForHttp(`${url}/health`, 60_000);
  });

  afterAll(async () => {
    await service.kill();
  });

  it('logs one start line with its URL and transport', async () => {
    await service.waitForLine(/users listening on http:\/\/127\.0\.0\.1:\d+ \(transport: http\)/, 5_000);
  });

  it('is live and ready', async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'users', live: true, ready: true });
  });

  it('tells who it is on /info', async () => {
    const info = await (await fetch(`${url}/info`)).json();
    expect(info).toEqual({ service: 'users', instance: expect.stringMatching(/^users-127\.0\.0\.1-\d+-[0-9a-f]{4}$/), version: packageVersion(import.meta.url), transport: 'http' });
  });

  it('serves the users API: list, create (201), get, 404 and 400 with field errors', async () => {
    const users = await (await fetch(`${url}/users`)).json();
    expect(users).toHaveLength(2);
    const created = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Grace Hopper', email: 'grace@example.com' }),
    });
    expect(created.status).toBe(201);
    const grace = await created.json();
    expect(await (await fetch(`${url}/users/${grace.id}`)).json()).toEqual({ id: grace.id, name: 'Grace Hopper', email: 'grace@example.com' });
    const missing = await fetch(`${url}/users/999`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('USER_NOT_FOUND');
    const bad = await fetch(`${url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '', email: 'nope' }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'name' }, { field: 'email' }] });
  });

  it('answers an unknown path with 404 NOT_FOUND in the same error shape', async () => {
    const response = await fetch(`${url}/nowhere`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
  });

  it('closes gracefully and exits 0 on SIGTERM', async () => {
    await service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});
