import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { Controller, Get, Module } from '@nestjs/common';
import { ConfigErrorCode } from '@meshway/config';
import { META, StaticDiscovery } from '@meshway/discovery';
import { waitFor } from '@meshway/testing';
import { createDevCertificates, TlsErrorCode, type DevCertificates, type TlsMaterial } from '@meshway/tls';
import { MeshClient } from '@meshway/transport';
import { TransportModule } from '@meshway/transport/nest';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapService, type RunningService } from './bootstrap-service.js';
import { MeshwayServiceModule } from './meshway-service.module.js';
import type { ServiceOptions } from './service.options.js';

interface TlsAnswer {
  readonly status?: number;
  readonly body?: string;
  readonly fingerprint?: string;
  /** The TLS or socket error when the handshake (or the request) failed. */
  readonly error?: string;
}

/** GET over TLS trusting `ca`, presenting `client` when given; never rejects: a failed handshake is `{ error }`. */
function httpsGet(url: string, ca: string, client?: TlsMaterial): Promise<TlsAnswer> {
  return new Promise((resolve) => {
    const identity = client ? { cert: client.cert, key: client.key } : {};
    const req = request(url, { ca, ...identity, agent: false }, (res) => {
      const fingerprint = res.socket instanceof TLSSocket ? res.socket.getPeerCertificate().fingerprint256 : undefined;
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, fingerprint });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ error: error.code ?? error.message });
    });
    req.end();
  });
}

/** Just enough of Consul's agent API to see what a service registers and how it heartbeats. */
async function fakeRegistry(): Promise<{ app: FastifyInstance; url: string; registrations: Record<string, unknown>[]; passes: string[] }> {
  const app = Fastify();
  const registrations: Record<string, unknown>[] = [];
  const passes: string[] = [];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });
  app.put('/v1/agent/service/register', (req) => {
    registrations.push(JSON.parse(req.body as string) as Record<string, unknown>);
    return '';
  });
  app.put('/v1/agent/check/pass/:id', (req) => {
    passes.push((req.params as { id: string }).id);
    return '';
  });
  app.get('/v1/agent/services', () => ({}));
  app.put('/v1/agent/service/maintenance/:id', () => '');
  app.put('/v1/agent/service/deregister/:id', () => '');
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, registrations, passes };
}

const SECURE: ServiceOptions = { name: 'secure', version: '1.0.0', transport: 'http', routes: [{ methods: ['GET'], path: '/api/secure/*' }], stripPrefix: '/api' };

@Module({ imports: [MeshwayServiceModule.forRoot(SECURE)] })
class SecureModule {}

describe('a service over TLS (SERVICE_TLS_*): HTTPS listener, client certificates required, registered as https', () => {
  const env = { ...process.env };
  let certs: DevCertificates;
  let stranger: DevCertificates;
  let dir: string;
  let registry: Awaited<ReturnType<typeof fakeRegistry>>;
  const running: RunningService[] = [];
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    [certs, stranger] = await Promise.all([createDevCertificates({ clients: ['gateway', 'orders'] }), createDevCertificates({ clients: ['gateway'] })]);
    dir = await mkdtemp(join(tmpdir(), 'meshway-service-tls-'));
    await Promise.all([
      writeFile(file('ca.pem'), certs.ca.cert),
      writeFile(file('server.pem'), certs.server.cert),
      writeFile(file('server.key'), certs.server.key),
      writeFile(file('orders.pem'), certs.clients.orders!.cert),
      writeFile(file('orders.key'), certs.clients.orders!.key),
    ]);
    registry = await fakeRegistry();
  });

  afterAll(async () => {
    await registry.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    Object.assign(process.env, { LOG_LEVEL: 'warn', MESHWAY_REGISTER: 'false', SERVICE_TLS_CERT_FILE: file('server.pem'), SERVICE_TLS_KEY_FILE: file('server.key') });
    delete process.env.PORT;
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.close()));
    process.env = { ...env };
  });

  async function start(module: new () => unknown = SecureModule, options: ServiceOptions = SECURE): Promise<RunningService> {
    const service = await bootstrapService(module, options);
    running.push(service);
    return service;
  }

  const requireClientCerts = (): void => {
    Object.assign(process.env, { SERVICE_TLS_CA_FILE: file('ca.pem'), SERVICE_TLS_REQUIRE_CLIENT_CERT: 'true' });
  };

  it('refuses the handshake to a client without a certificate or with one from another CA, and serves one with a good certificate', async () => {
    requireClientCerts();
    const service = await start();
    expect(service.url).toBe(`https://127.0.0.1:${service.port}`);
    expect(await httpsGet(`${service.url}/health`, certs.ca.cert, certs.clients.gateway)).toMatchObject({ status: 200 });
    expect((await httpsGet(`${service.url}/health`, certs.ca.cert)).status).toBeUndefined();
    expect((await httpsGet(`${service.url}/health`, certs.ca.cert, stranger.clients.gateway)).status).toBeUndefined();
    await expect(fetch(`${service.url.replace('https:', 'http:')}/health`)).rejects.toThrow();
  });

  it('registers with meshway-scheme: https and a TTL check it passes itself (the registry cannot present a client certificate)', async () => {
    requireClientCerts();
    Object.assign(process.env, { MESHWAY_REGISTER: 'true', CONSUL_HTTP_ADDR: registry.url });
    const service = await start();
    const registration = await waitFor(() => registry.registrations.find((r) => r.Port === service.port), { timeoutMs: 5_000, message: 'registered' });
    expect(registration.Meta).toMatchObject({ [META.scheme]: 'https', [META.transport]: 'http' });
    expect(registration.Check).toMatchObject({ TTL: expect.any(String) as string });
    expect(registration.Check).not.toHaveProperty('HTTP');
    await waitFor(() => registry.passes.includes(`service:${String(registration.ID)}`), { timeoutMs: 5_000, message: 'TTL check passed' });
  });

  it('serves HTTPS to any client trusting its CA when client certificates are not required, registered as https too', async () => {
    Object.assign(process.env, { MESHWAY_REGISTER: 'true', CONSUL_HTTP_ADDR: registry.url });
    const service = await start();
    expect(await httpsGet(`${service.url}/health`, certs.ca.cert)).toMatchObject({ status: 200 });
    const registration = await waitFor(() => registry.registrations.find((r) => r.Port === service.port), { timeoutMs: 5_000, message: 'registered' });
    expect(registration.Meta).toMatchObject({ [META.scheme]: 'https' });
  });

  it('takes a renewed server certificate for new connections without a restart', async () => {
    await Promise.all([writeFile(file('live.pem'), certs.server.cert), writeFile(file('live.key'), certs.server.key)]);
    Object.assign(process.env, { SERVICE_TLS_CERT_FILE: file('live.pem'), SERVICE_TLS_KEY_FILE: file('live.key') });
    const service = await start();
    const before = await httpsGet(`${service.url}/health`, certs.ca.cert);
    expect(before.status).toBe(200);
    const renewed = await createDevCertificates();
    await Promise.all([writeFile(file('next.pem'), renewed.server.cert), writeFile(file('next.key'), renewed.server.key)]);
    await rename(file('next.key'), file('live.key'));
    await rename(file('next.pem'), file('live.pem'));
    const after = await waitFor(async () => {
      const answer = await httpsGet(`${service.url}/health`, renewed.ca.cert);
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 5_000, message: 'the renewed certificate served' });
    expect(after.fingerprint).not.toBe(before.fingerprint);
  });

  it('gives a service\'s MeshClient the client certificate from MESHWAY_TLS_*, so it can call a service that requires one', async () => {
    requireClientCerts();
    const callee = await start();
    const discovery = new StaticDiscovery([{ service: 'secure', address: '127.0.0.1', port: callee.port, meta: { [META.scheme]: 'https' } }]);
    @Controller()
    class Relay {
      constructor(private readonly mesh: MeshClient) {}
      @Get('/relay')
      async relay(): Promise<unknown> {
        return (await this.mesh.call('secure', 'GET /info')).body;
      }
    }
    const callerOptions: ServiceOptions = { name: 'caller', version: '1.0.0', transport: 'http' };
    @Module({ imports: [MeshwayServiceModule.forRoot(callerOptions), TransportModule.forRoot({ discovery })], controllers: [Relay] })
    class CallerModule {}
    Reflect.deleteProperty(process.env, 'SERVICE_TLS_CERT_FILE');
    Reflect.deleteProperty(process.env, 'SERVICE_TLS_KEY_FILE');
    Reflect.deleteProperty(process.env, 'SERVICE_TLS_CA_FILE');
    Reflect.deleteProperty(process.env, 'SERVICE_TLS_REQUIRE_CLIENT_CERT');
    Object.assign(process.env, { MESHWAY_TLS_CA_FILE: file('ca.pem'), MESHWAY_TLS_CERT_FILE: file('orders.pem'), MESHWAY_TLS_KEY_FILE: file('orders.key') });
    const caller = await start(CallerModule, callerOptions);
    const relayed = await fetch(`${caller.url}/relay`);
    expect(relayed.status).toBe(200);
    expect(await relayed.json()).toMatchObject({ service: 'secure' });
  });

  it.each([
    [{ SERVICE_TLS_KEY_FILE: '' }, 'SERVICE_TLS_KEY_FILE is not set'],
    [{ SERVICE_TLS_CERT_FILE: '' }, 'SERVICE_TLS_CERT_FILE is not set'],
    [{ SERVICE_TLS_REQUIRE_CLIENT_CERT: 'true' }, 'SERVICE_TLS_CA_FILE is not set'],
    [{ SERVICE_TLS_CA_FILE: '/tls/ca.pem' }, 'SERVICE_TLS_REQUIRE_CLIENT_CERT="false" is not allowed'],
    [{ SERVICE_TLS_CERT_FILE: '', SERVICE_TLS_KEY_FILE: '', SERVICE_TLS_REQUIRE_CLIENT_CERT: 'true' }, 'SERVICE_TLS_CERT_FILE is not set'],
    [{ MESHWAY_TLS_CERT_FILE: '/tls/orders.pem' }, 'MESHWAY_TLS_KEY_FILE is not set'],
  ])('refuses to start with half a TLS setting (%o), naming what is missing', async (vars, message) => {
    Object.assign(process.env, vars);
    await expect(start()).rejects.toMatchObject({ code: ConfigErrorCode.Invalid, message: expect.stringContaining(message) as string });
  });

  it('refuses to start with unusable certificate files, naming them', async () => {
    await writeFile(file('broken.pem'), 'not a certificate');
    process.env.SERVICE_TLS_CERT_FILE = file('broken.pem');
    await expect(start()).rejects.toMatchObject({ code: TlsErrorCode.InvalidFiles, message: expect.stringContaining('broken.pem') as string });
  });
});
