import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { META, StaticDiscovery } from '@meshway/discovery';
import { waitFor } from '@meshway/testing';
import { createDevCertificates, type DevCertificates } from '@meshway/tls';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MeshClient } from './mesh-client.js';
import type { MeshClientOptions } from './mesh-client.options.js';
import { TransportErrorCode } from './transport.errors.js';

/** An HTTPS service that requires a client certificate from `certs`' CA and says whose it saw. */
async function mtlsService(certs: DevCertificates): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ https: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: true } });
  app.get('/users/:id', (req) => ({ id: (req.params as { id: string }).id, client: req.raw.socket instanceof TLSSocket ? req.raw.socket.getPeerCertificate().subject.CN : undefined }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port };
}

describe('MeshClient over TLS: client certificates towards services that require them (mTLS)', () => {
  let certs: DevCertificates;
  let stranger: DevCertificates;
  let dir: string;
  let service: { app: FastifyInstance; port: number };
  const clients: MeshClient[] = [];
  const file = (name: string): string => join(dir, name);

  function client(https: boolean, options: Partial<MeshClientOptions> = {}): MeshClient {
    const meta: Record<string, string> = https ? { [META.scheme]: 'https' } : {};
    const made = new MeshClient({ discovery: new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: service.port, meta }]), ...options });
    clients.push(made);
    return made;
  }

  beforeAll(async () => {
    [certs, stranger] = await Promise.all([createDevCertificates({ clients: ['orders', 'orders-renewed'] }), createDevCertificates({ clients: ['orders'] })]);
    dir = await mkdtemp(join(tmpdir(), 'meshway-mesh-tls-'));
    await writeFile(file('ca.pem'), certs.ca.cert);
    await writeFile(file('orders.pem'), certs.clients.orders!.cert);
    await writeFile(file('orders.key'), certs.clients.orders!.key);
    await writeFile(file('stranger.pem'), stranger.clients.orders!.cert);
    await writeFile(file('stranger.key'), stranger.clients.orders!.key);
    service = await mtlsService(certs);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await service.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const good = (): { caFile: string; certFile: string; keyFile: string } => ({ caFile: file('ca.pem'), certFile: file('orders.pem'), keyFile: file('orders.key') });

  it('presents its client certificate and verifies the service against the CA', async () => {
    const mesh = client(true, { tls: { default: good() } });
    await mesh.ready();
    const got = await mesh.call<{ id: string; client: string }>('users', 'GET /users/1');
    expect(got).toMatchObject({ status: 200, body: { id: '1', client: 'orders' } });
  });

  it('calls over HTTPS with an identity even when the instance does not announce https (no downgrade by registration)', async () => {
    const got = await client(false, { tls: { default: good() } }).call('users', 'GET /users/2');
    expect(got.body).toMatchObject({ client: 'orders' });
  });

  it('uses the service\'s own identity over the default', async () => {
    const strangerIdentity = { caFile: file('ca.pem'), certFile: file('stranger.pem'), keyFile: file('stranger.key') };
    const got = await client(true, { tls: { default: strangerIdentity, services: { users: good() } } }).call('users', 'GET /users/3');
    expect(got.body).toMatchObject({ client: 'orders' });
  });

  it.each([
    ['no client certificate', () => ({ caFile: file('ca.pem') })],
    ['a client certificate from another CA', () => ({ caFile: file('ca.pem'), certFile: file('stranger.pem'), keyFile: file('stranger.key') })],
  ])('is refused at the handshake with %s: MESHWAY_UPSTREAM_UNAVAILABLE', async (_what, files) => {
    const mesh = client(true, { tls: { default: files() }, resilience: { retries: false } });
    await expect(mesh.call('users', 'GET /users/1')).rejects.toMatchObject({ code: TransportErrorCode.UpstreamUnavailable });
  });

  it('does not trust a service whose certificate is not from a known CA (no identity: public CAs only)', async () => {
    await expect(client(true, { resilience: { retries: false } }).call('users', 'GET /users/1')).rejects.toMatchObject({ code: TransportErrorCode.UpstreamUnavailable });
  });

  it('follows a renewed client certificate without a restart', async () => {
    const files = { caFile: file('ca.pem'), certFile: file('live.pem'), keyFile: file('live.key') };
    await writeFile(files.certFile, certs.clients.orders!.cert);
    await writeFile(files.keyFile, certs.clients.orders!.key);
    const mesh = client(true, { tls: { default: files } });
    expect((await mesh.call<{ client: string }>('users', 'GET /users/1')).body.client).toBe('orders');
    await writeFile(file('next.key'), certs.clients['orders-renewed']!.key);
    await writeFile(file('next.pem'), certs.clients['orders-renewed']!.cert);
    await rename(file('next.key'), files.keyFile);
    await rename(file('next.pem'), files.certFile);
    const renewed = await waitFor(async () => {
      const got = await mesh.call<{ client: string }>('users', 'GET /users/1').catch(() => undefined);
      return got?.body.client === 'orders-renewed' ? got : undefined;
    }, { timeoutMs: 5_000, message: 'the renewed client certificate presented' });
    expect(renewed.status).toBe(200);
  });

  it('rejects unusable files naming the option and the file: at ready(), and on every call', async () => {
    const mesh = client(true, { tls: { services: { users: { ...good(), certFile: file('missing.pem') } } } });
    const expected = { code: TransportErrorCode.InvalidOptions, message: expect.stringMatching(/tls\.services\.users: .*missing\.pem/) as string };
    await expect(mesh.ready()).rejects.toMatchObject(expected);
    await expect(mesh.call('users', 'GET /users/1')).rejects.toMatchObject(expected);
  });

  it('refuses a certificate without its key at construction', () => {
    expect(() => new MeshClient({ discovery: new StaticDiscovery(), tls: { default: { certFile: file('orders.pem') } } })).toThrow(
      expect.objectContaining({ code: TransportErrorCode.InvalidOptions, message: expect.stringContaining('tls.default') as string }) as Error,
    );
  });
});
