import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { createDevCertificates, type DevCertificates } from '@meshway/tls';
import { startGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';

describe('mTLS to upstreams: the gateway verifies the service and presents its own certificate', () => {
  let certs: DevCertificates;
  let dir: string;
  let service: Server;
  let port: number;

  beforeAll(async () => {
    certs = await createDevCertificates({ hosts: ['localhost', '127.0.0.1'], clients: ['gateway'] });
    dir = await mkdtemp(join(tmpdir(), 'meshway-mtls-'));
    await writeFile(join(dir, 'ca.pem'), certs.ca.cert);
    await writeFile(join(dir, 'gateway.pem'), certs.clients.gateway!.cert);
    await writeFile(join(dir, 'gateway.key'), certs.clients.gateway!.key);
    // A service inside the mesh that only talks to callers with a certificate from the mesh CA.
    service = createServer({ cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const socket: unknown = req.socket;
      const peer = (socket as TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ caller: peer.subject.CN, proto: req.headers['x-forwarded-proto'] }));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    port = (service.address() as AddressInfo).port;
  });

  afterAll(async () => {
    service.closeAllConnections();
    await new Promise((resolve) => service.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches an mTLS service with the configured identity', async () => {
    const discovery = new StaticDiscovery([{ service: 'vault', address: '127.0.0.1', port }]);
    const gateway = await startGateway({
      discovery, port: 0, adminPort: 0, routes: [{ path: '/vault/*', service: 'vault' }],
      upstreamTls: { services: { vault: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'gateway.pem'), keyFile: join(dir, 'gateway.key') } } },
    });
    try {
      const res = await send(`${gateway.url}/vault/secret`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ caller: 'gateway', proto: 'http' });
    } finally {
      await gateway.close();
    }
  });

  it('cannot reach it without a client certificate (502), and never trusts a certificate outside its CA', async () => {
    const discovery = new StaticDiscovery([{ service: 'vault', address: '127.0.0.1', port, meta: { 'meshway-scheme': 'https' } }]);
    const stranger = await createDevCertificates();
    await writeFile(join(dir, 'other-ca.pem'), stranger.ca.cert);
    for (const upstreamTls of [{}, { default: { caFile: join(dir, 'ca.pem') } }, { default: { caFile: join(dir, 'other-ca.pem'), certFile: join(dir, 'gateway.pem'), keyFile: join(dir, 'gateway.key') } }]) {
      const gateway = await startGateway({ discovery, port: 0, adminPort: 0, routes: [{ path: '/vault/*', service: 'vault' }], upstreamTls });
      try {
        const res = await send(`${gateway.url}/vault/secret`);
        expect(res.status).toBe(502);
        expect(res.json()).toMatchObject({ error: { code: 'MESHWAY_UPSTREAM_UNAVAILABLE' } });
      } finally {
        await gateway.close();
      }
    }
  });

  it('refuses to start with unusable upstream TLS files, naming the service', async () => {
    await expect(startGateway({ discovery: new StaticDiscovery(), port: 0, adminPort: 0, upstreamTls: { services: { vault: { certFile: join(dir, 'gateway.pem') } } } })).rejects.toMatchObject({
      code: 'MESHWAY_GATEWAY_INVALID_CONFIG',
      message: expect.stringContaining('upstreamTls for vault') as string,
    });
  });
});
