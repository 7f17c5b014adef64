import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DevError, DevErrorCode } from './dev.errors.js';
import { FIXTURE_APPS, fixtureEnv, fixtureMain, pidsIn, removeTmpApps, writeApps } from './fixtures/fixture.apps.js';
import { startPlatform, type PlatformHandle } from './platform.starter.js';
import { processAlive } from '@meshway/process';

/** Collects everything the orchestrator prints. */
function capture(): { text: () => string; write: (s: string) => void } {
  let text = '';
  return { text: () => text, write: (s: string) => (text += s) };
}

/** Resolves once `predicate(output)` holds (real processes are restarting). */
async function until(read: () => string, predicate: (text: string) => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(read())) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

async function startFailure(options: Parameters<typeof startPlatform>[0]): Promise<DevError> {
  const error = await startPlatform(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DevError)) throw new Error(`expected a DevError, got ${String(error)}`);
  return error;
}

let handle: PlatformHandle | undefined;
afterEach(async () => {
  await handle?.stop();
  handle = undefined;
});

describe('startPlatform', () => {
  afterAll(removeTmpApps);

  it('starts registry → services → gateway, each once healthy, passing the env contract, and stops the whole tree', async () => {
    const env = await fixtureEnv();
    const out = capture();
    handle = await startPlatform({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: out, color: false });
    const text = out.text();
    expect(text.indexOf('meshway  | healthy: registry')).toBeLessThan(text.indexOf('meshway  | starting orders'));
    expect(text.indexOf('meshway  | healthy: orders')).toBeLessThan(text.indexOf('meshway  | starting gateway'));
    expect(text).toMatch(/^users {4}\| fixture users ready pid=\d+ port=\d+ grandchild=\d+$/m);

    const users = handle.urls.services.users?.[0];
    expect(handle.urls).toEqual({
      registry: `http://127.0.0.1:${env.REGISTRY_PORT}`,
      gateway: `http://127.0.0.1:${env.GATEWAY_PORT}`,
      gatewayAdmin: `http://127.0.0.1:${env.GATEWAY_ADMIN_PORT}`,
      services: { orders: [expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)], users: [users] },
    });
    const { body } = await getJson(`${users}/env`);
    expect(body).toEqual({
      REGISTRY_PORT: env.REGISTRY_PORT,
      REGISTRY_DATA_DIR: env.REGISTRY_DATA_DIR,
      GATEWAY_PORT: env.GATEWAY_PORT,
      GATEWAY_ADMIN_PORT: env.GATEWAY_ADMIN_PORT,
      CONSUL_HTTP_ADDR: `http://127.0.0.1:${env.REGISTRY_PORT}`,
      NATS_URL: env.NATS_URL,
      MESHWAY_TRANSPORT: 'http', // decided once by npm start, never 'auto'
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      PORT: users?.split(':')[2],
      HOST: '127.0.0.1',
      registryUp: true,
    });
    expect(handle.transport.line).toBe(
      `Transport: HTTP (NATS not reachable at ${env.NATS_URL}: ECONNREFUSED) — NATS services serve their handlers over HTTP; events are off`,
    );
    expect(handle.banner.restartLine).toMatch(/^Restarts: a component that exits is restarted after 0\.5 s/);
    expect(handle.banner.entries.map((e) => e.name)).toEqual(['registry', 'orders', 'users', 'gateway']);

    const pids = [...handle.instances.map((i) => i.pid), ...pidsIn(text)];
    expect(new Set(pids).size).toBe(6); // 4 components + the grandchild each service fixture spawns
    expect(await handle.stop()).toEqual({ killed: [], survivors: [] });
    for (const pid of pids) expect(() => process.kill(pid!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(out.text().indexOf('gateway  | fixture gateway stopping')).toBeLessThan(out.text().indexOf('registry | fixture registry stopping'));
  });

  it('runs --replicas instances of a service on distinct free ports, all healthy', async () => {
    const env = await fixtureEnv();
    const out = capture();
    handle = await startPlatform({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: out, color: false, only: ['users'], replicas: { users: 3 } });
    const urls = handle.urls.services.users ?? [];
    expect(handle.instances.map((i) => i.name)).toEqual(['users#1', 'users#2', 'users#3']);
    expect(new Set(urls).size).toBe(3);
    for (const url of urls) expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(out.text()).toMatch(/^users#3 \| fixture users ready/m);
  });

  it('starts only the --only subset and notes what it left out', async () => {
    const env = await fixtureEnv();
    handle = await startPlatform({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: capture(), color: false, only: ['registry', 'users'] });
    expect(handle.instances.map((i) => i.name)).toEqual(['registry', 'users']);
    expect(handle.urls.gateway).toBeUndefined();
    expect(handle.banner.notes.map((n) => `${n.name}: ${n.reason}`)).toContain('gateway: not in --only');
  });

  it('starts services alone when there is no registry or gateway app, and says so', async () => {
    const appsDir = writeApps({ users: { meshway: { role: 'service', entry: fixtureMain('users') } } });
    handle = await startPlatform({ appsDir, env: { ...process.env, ...(await fixtureEnv()) }, output: capture(), color: false });
    expect(handle.instances.map((i) => i.name)).toEqual(['users']);
    expect(handle.banner.notes.map((n) => n.name)).toEqual(['registry', 'gateway']);
    const { body } = await getJson(`${handle.urls.services.users?.[0] ?? ''}/env`);
    expect(body).toMatchObject({ registryUp: false });
  });

  it('says NATS when NATS_URL accepts connections, and tells every child MESHWAY_TRANSPORT=nats', async () => {
    const server: Server = createServer((s) => s.end()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const env = await fixtureEnv({ NATS_URL: `nats://127.0.0.1:${port}` });
      handle = await startPlatform({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: capture(), color: false, only: ['users'] });
      expect(handle.transport).toEqual({ transport: 'nats', line: `Transport: NATS reachable at nats://127.0.0.1:${port} — NATS services answer over NATS` });
      expect((await getJson(`${handle.urls.services.users?.[0] ?? ''}/env`)).body).toMatchObject({ MESHWAY_TRANSPORT: 'nats' });
    } finally {
      server.close();
    }
  });

  it('stops everything and reports the last lines when a component exits during start', async () => {
    const env = await fixtureEnv({ MESHWAY_FIXTURE_CRASH: 'users' });
    const out = capture();
    const error = await startFailure({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: out, color: false });
    expect(error).toMatchObject({ code: DevErrorCode.ExitedDuringStart, exitCode: 1, message: 'users exited with code 3 before it was healthy.' });
    expect(error.details.component).toBe('users');
    expect(error.details.lastLines).toEqual(expect.arrayContaining(['users: loading config', 'Error: fixture users crashed on start']));
    expect(out.text()).not.toContain('starting gateway');
    for (const pid of pidsIn(out.text())) expect(processAlive(pid)).toBe(false);
  });

  it('fails with MESHWAY_DEV_HEALTH_TIMEOUT when a component never turns healthy', async () => {
    const env = await fixtureEnv({ MESHWAY_FIXTURE_HANG: 'registry' });
    const error = await startFailure({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: capture(), color: false, timeoutMs: 5_000 });
    expect(error).toMatchObject({ code: DevErrorCode.HealthTimeout, details: { component: 'registry' } });
    expect(error.message).toContain(`/v1/status/leader did not answer 2xx within 5000 ms (last: HTTP 503)`);
    expect(error.details.lastLines).toEqual(expect.arrayContaining([expect.stringMatching(/^fixture registry ready/)]));
  });

  it('restarts an instance that dies after ready with the same env and port, leaving the others alone', async () => {
    const env = await fixtureEnv();
    const out = capture();
    handle = await startPlatform({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: out, color: false, only: ['registry', 'users'] });
    const [registry, users] = handle.instances;
    const before = { registry: registry?.pid, users: users?.pid };
    process.kill(before.users!, 'SIGKILL');
    await until(out.text, (t) => /users restarted \(attempt 1\) and healthy in \d+ ms/.test(t));
    expect(out.text()).toContain('meshway  | users was killed by SIGKILL: restarting in 500 ms (attempt 1)');
    expect(users?.pid).not.toBe(before.users);
    expect(registry?.pid).toBe(before.registry);
    expect((await getJson(`${handle.urls.services.users?.[0] ?? ''}/env`)).body).toMatchObject({ PORT: String(users?.port), MESHWAY_TRANSPORT: 'http' });
    expect(out.text()).not.toContain('fixture registry stopping');
  });

  it('gives up on an instance that keeps dying (unexpectedExit), and not on the ones stop() ends', async () => {
    const env = await fixtureEnv({ MESHWAY_FIXTURE_DIE: 'orders' });
    const restart = { initialDelayMs: 20, maxDelayMs: 40, maxCrashes: 3 };
    handle = await startPlatform({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: capture(), color: false, only: ['orders', 'users'], restart });
    const exit = await handle.unexpectedExit;
    expect(exit).toMatchObject({ name: 'orders', code: 1, signal: null });
    expect(exit.lastLines).toContain('fixture orders: simulated crash after ready');
  });

  it('refuses to start when the registry port is taken, before spawning anything', async () => {
    const env = await fixtureEnv();
    const blocker = createServer().listen(Number(env.REGISTRY_PORT), '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      const out = capture();
      const error = await startFailure({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: out, color: false });
      expect(error).toMatchObject({ code: DevErrorCode.PortInUse, message: expect.stringContaining(`REGISTRY_PORT=${env.REGISTRY_PORT} cannot be used (EADDRINUSE)`) });
      expect(out.text()).toBe('');
    } finally {
      blocker.close();
    }
  });

  it('starts a NATS service over HTTP when NATS is unreachable (auto), and says so on its banner line', async () => {
    const appsDir = writeApps({ events: { meshway: { role: 'service', transport: 'nats', entry: fixtureMain('users') } } });
    handle = await startPlatform({ appsDir, env: { ...process.env, ...(await fixtureEnv()) }, output: capture(), color: false });
    expect(handle.transport.transport).toBe('http');
    expect(handle.banner.entries[0]?.links[0]?.label).toBe('service (nats over http)');
    expect((await getJson(`${handle.urls.services.events?.[0] ?? ''}/env`)).body).toMatchObject({ MESHWAY_TRANSPORT: 'http' });
  });

  it('refuses to start when MESHWAY_TRANSPORT=nats and NATS is unreachable, before spawning anything', async () => {
    const env = await fixtureEnv({ MESHWAY_TRANSPORT: 'nats' });
    const out = capture();
    const error = await startFailure({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: out, color: false });
    expect(error).toMatchObject({ code: DevErrorCode.NatsUnreachable, message: expect.stringContaining(`MESHWAY_TRANSPORT=nats, but NATS not reachable at ${env.NATS_URL}: ECONNREFUSED.`) });
    expect(out.text()).toBe('');
  });

  it('stops what it started and throws MESHWAY_DEV_INTERRUPTED when its signal aborts mid-start', async () => {
    const env = await fixtureEnv({ MESHWAY_FIXTURE_HANG: 'gateway' });
    const controller = new AbortController();
    const out = capture();
    const failure = startFailure({ appsDir: FIXTURE_APPS, env: { ...process.env, ...env }, output: { write: (s: string) => {
      out.write(s);
      if (s.includes('starting gateway')) controller.abort();
    } }, color: false, signal: controller.signal });
    expect(await failure).toMatchObject({ code: DevErrorCode.Interrupted, exitCode: 0 });
    for (const pid of pidsIn(out.text())) expect(processAlive(pid)).toBe(false);
  });

  it('rejects bad options naming the option and what is allowed', async () => {
    await expect(startPlatform({ timeoutMs: 0 })).rejects.toThrow('startPlatform option timeoutMs = 0 is not valid: expected an integer from 1 to 600000.');
    await expect(startPlatform({ replicas: { users: 1.5 } })).rejects.toThrow(expect.objectContaining({ code: DevErrorCode.BadOptions }));
    await expect(startPlatform({ only: [] })).rejects.toThrow('startPlatform option only = [] is not valid');
    await expect(startPlatform({ canary: { users: 'two' } })).rejects.toThrow('startPlatform option canary.users = "two" is not valid: expected a semantic version such as 2.0.0 or 2.1.0-rc.1.');
    await expect(startPlatform({ restart: { initialDelayMs: 500, maxDelayMs: 100 } })).rejects.toThrow(
      'startPlatform option restart.maxDelayMs = 100 is not valid: expected an integer from 500 to 600000.',
    );
  });
});
