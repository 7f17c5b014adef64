import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevCertificates, loadTlsFiles, ReloadingTls, TlsErrorCode, type DevCertificates, type TlsMaterial } from './index.js';

/** GET over TLS trusting `ca`, optionally presenting a client identity; resolves with the status or the TLS error code. */
function get(port: number, ca: string, client?: TlsMaterial): Promise<{ status?: number; error?: string; issuer?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca, servername: 'localhost', ...(client ? { cert: client.cert, key: client.key } : {}), agent: false }, (res) => {
      const issuer = (res.socket as unknown as { getPeerCertificate(): { fingerprint256: string } }).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, issuer }); });
    });
    req.on('error', (error: NodeJS.ErrnoException) => { resolve({ error: error.code ?? error.message }); });
    req.end();
  });
}

describe('dev certificates and reloading TLS', () => {
  let certs: DevCertificates;
  let dir: string;
  beforeAll(async () => {
    certs = await createDevCertificates({ clients: ['gateway'] });
    dir = await mkdtemp(join(tmpdir(), 'meshway-tls-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(options: SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean }): Promise<{ server: Server; port: number }> {
    const server = createServer(options, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port };
  }

  it('issues a server identity clients verify against the dev CA, and client identities a server can require (mTLS)', async () => {
    const { server, port } = await serve({ ...certs.server, requestCert: true, rejectUnauthorized: true });
    try {
      expect(await get(port, certs.ca.cert, certs.clients.gateway)).toMatchObject({ status: 200 });
      const without = await get(port, certs.ca.cert);
      expect(without.status).toBeUndefined();
      const stranger = (await createDevCertificates({ clients: ['stranger'] })).clients.stranger!;
      expect((await get(port, certs.ca.cert, stranger)).status).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('names the file and the problem when the files are unusable', async () => {
    await writeFile(join(dir, 'bad-cert.pem'), 'not a certificate');
    await writeFile(join(dir, 'key.pem'), certs.server.key);
    await expect(loadTlsFiles({ certFile: join(dir, 'missing.pem'), keyFile: join(dir, 'key.pem') })).rejects.toMatchObject({ code: TlsErrorCode.InvalidFiles, message: expect.stringContaining('missing.pem') as string });
    await expect(loadTlsFiles({ certFile: join(dir, 'bad-cert.pem'), keyFile: join(dir, 'key.pem') })).rejects.toMatchObject({ code: TlsErrorCode.InvalidFiles });
  });

  it('follows replaced certificate files without a restart, and keeps the old identity when the new files are unusable', async () => {
    const certFile = join(dir, 'server.pem');
    const keyFile = join(dir, 'server.key');
    await writeFile(certFile, certs.server.cert);
    await writeFile(keyFile, certs.server.key);
    const errors: unknown[] = [];
    let reloads = 0;
    const live: { server?: Server } = {};
    const tls = new ReloadingTls({ files: { certFile, keyFile }, onError: (e) => errors.push(e), onReload: (context) => {
      reloads++;
      live.server?.setSecureContext(context);
    } });
    const served = await serve(await tls.start());
    live.server = served.server;
    try {
      const first = await get(served.port, certs.ca.cert);
      const renewed = await createDevCertificates();
      await writeFile(join(dir, 'next.key'), renewed.server.key);
      await writeFile(join(dir, 'next.pem'), renewed.server.cert);
      await rename(join(dir, 'next.key'), keyFile);
      await rename(join(dir, 'next.pem'), certFile);
      const deadline = Date.now() + 5_000;
      let after = await get(served.port, renewed.ca.cert);
      while (after.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = await get(served.port, renewed.ca.cert);
      }
      expect(after.status).toBe(200);
      expect(after.issuer).not.toBe(first.issuer);
      expect(reloads).toBeGreaterThan(0);
      await writeFile(certFile, 'garbage');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(errors.length).toBeGreaterThan(0);
      expect((await get(served.port, renewed.ca.cert)).status).toBe(200);
    } finally {
      tls.stop();
      served.server.close();
    }
  });
});
