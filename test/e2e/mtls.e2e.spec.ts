import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnTs, waitFor, type ManagedProcess } from '@meshway/testing';
import { createDevCertificates } from '@meshway/tls';
import { Platform } from '../support/platform.js';

/** A TLS handshake (and GET) straight to a service, without the gateway: the status, or the error that ended it. */
function directGet(url: string, ca: string, client?: { cert: string; key: string }): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { ca, ...client, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
    req.end();
  });
}

// Inside the mesh, traffic is encrypted and both ends authenticated: users requires a client certificate from the
// mesh CA; the gateway presents one (GATEWAY_UPSTREAM_*), and reaches users over HTTPS because users announced it.
describe('mTLS inside the mesh: gateway → users with client certificates, real processes', () => {
  let platform: Platform;
  let users: ManagedProcess;
  let usersUrl: string;
  let ca: string;
  let stranger: { cert: string; key: string };
  const dir = mkdtempSync(join(tmpdir(), 'meshway-mtls-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return join(dir, name);
  };

  beforeAll(async () => {
    const mesh = await createDevCertificates({ hosts: ['127.0.0.1', 'localhost'], clients: ['gateway'] });
    const other = await createDevCertificates({ clients: ['intruder'] });
    ca = mesh.ca.cert;
    stranger = other.clients.intruder!;
    file('gateway.crt', mesh.clients.gateway!.cert);
    file('gateway.key', mesh.clients.gateway!.key);
    platform = await Platform.start({ services: {}, gateway: false });
    const port = await freePort();
    usersUrl = `https://127.0.0.1:${port}`;
    users = spawnTs('apps/users/src/main.ts', {
      name: 'users-tls',
      env: {
        CONSUL_HTTP_ADDR: platform.registryUrl,
        MESHWAY_TRANSPORT: 'http',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        SERVICE_TLS_CERT_FILE: file('users.crt', mesh.server.cert),
        SERVICE_TLS_KEY_FILE: file('users.key', mesh.server.key),
        SERVICE_TLS_CA_FILE: file('mesh-ca.crt', mesh.ca.cert),
        SERVICE_TLS_REQUIRE_CLIENT_CERT: 'true',
      },
    });
    await waitFor(async () => (await fetch(`${platform.registryUrl}/v1/health/service/users?passing`).then((r) => r.json() as Promise<unknown[]>)).length === 1, {
      timeoutMs: 45_000,
      message: 'users (TLS) registers and passes its TTL check',
    });
  }, 120_000);

  afterAll(async () => {
    await users.kill('SIGTERM');
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a client without a certificate, or with one from another CA, and serves the mesh identity', async () => {
    expect(await directGet(`${usersUrl}/users`, ca)).not.toBe(200);
    expect(await directGet(`${usersUrl}/users`, ca, stranger)).not.toBe(200);
    const mesh = await createDevCertificates({ clients: ['x'] });
    expect(typeof (await directGet(`${usersUrl}/users`, mesh.ca.cert))).toBe('string'); // the server is not from that CA
  });

  it('routes /api/users through a gateway that presents the mesh client certificate, and not through one that does not', async () => {
    const mesh = join(dir, 'mesh-ca.crt');
    const trusted = await platform.startGateway('gateway-mtls', {
      GATEWAY_UPSTREAM_CA_FILE: mesh,
      GATEWAY_UPSTREAM_CERT_FILE: join(dir, 'gateway.crt'),
      GATEWAY_UPSTREAM_KEY_FILE: join(dir, 'gateway.key'),
    });
    const answer = await waitFor(async () => {
      const res = await fetch(`${trusted.url}/api/users`);
      return res.status === 200 ? ((await res.json()) as unknown[]) : undefined;
    }, { timeoutMs: 15_000, message: 'the gateway routes /api/users to users over mTLS' });
    expect(answer.length).toBeGreaterThan(0);

    const anonymous = await platform.startGateway('gateway-no-identity', { GATEWAY_UPSTREAM_CA_FILE: mesh });
    const refused = await fetch(`${anonymous.url}/api/users`);
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('MESHWAY_UPSTREAM_UNAVAILABLE');
  });
});
