import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticDiscovery } from '@meshway/discovery';
import { waitFor } from '@meshway/testing';
import { createDevCertificates, type DevCertificates } from '@meshway/tls';
import { startGateway, type RunningGateway } from '../start-gateway.js';
import { send } from '../testing/http.client.js';
import { startUpstream, type EchoBody, type TestUpstream } from '../testing/upstream.fixture.js';

interface TlsAnswer {
  readonly status: number;
  readonly body: string;
  readonly fingerprint: string;
}

function httpsGet(url: string, ca: string): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, servername: 'localhost', agent: false }, (res) => {
      const socket: unknown = res.socket;
      const fingerprint = (socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body, fingerprint }); });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway TLS: HTTPS listener, certificate reload, HTTP → HTTPS redirect', () => {
  let upstream: TestUpstream;
  let certs: DevCertificates;
  let dir: string;
  let gateway: RunningGateway;
  const discovery = new StaticDiscovery();

  beforeAll(async () => {
    upstream = await startUpstream('svc');
    discovery.set('svc', [{ address: '127.0.0.1', port: upstream.port }]);
    certs = await createDevCertificates();
    dir = await mkdtemp(join(tmpdir(), 'meshway-gateway-tls-'));
    await writeFile(join(dir, 'tls.pem'), certs.server.cert);
    await writeFile(join(dir, 'tls.key'), certs.server.key);
    gateway = await startGateway({
      discovery, port: 0, adminPort: 0, routes: [{ path: '/svc/*', service: 'svc' }],
      tls: { certFile: join(dir, 'tls.pem'), keyFile: join(dir, 'tls.key'), port: 0 },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS and tells the upstream the client came over https; plain HTTP keeps working beside it', async () => {
    expect(gateway.tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await httpsGet(`${gateway.tlsUrl!}/svc/x`, certs.ca.cert);
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as EchoBody).headers['x-forwarded-proto']).toBe('https');
    expect((await send(`${gateway.url}/svc/x`)).json<EchoBody>().headers['x-forwarded-proto']).toBe('http');
  });

  it('picks up a renewed certificate without a restart', async () => {
    const before = (await httpsGet(`${gateway.tlsUrl!}/svc/x`, certs.ca.cert)).fingerprint;
    const renewed = await createDevCertificates();
    await writeFile(join(dir, 'next.key'), renewed.server.key);
    await writeFile(join(dir, 'next.pem'), renewed.server.cert);
    await rename(join(dir, 'next.key'), join(dir, 'tls.key'));
    await rename(join(dir, 'next.pem'), join(dir, 'tls.pem'));
    const after = await waitFor(async () => {
      const answer = await httpsGet(`${gateway.tlsUrl!}/svc/x`, renewed.ca.cert).catch(() => undefined);
      return answer?.status === 200 ? answer : undefined;
    }, { timeoutMs: 5_000 });
    expect(after.fingerprint).not.toBe(before);
  });

  it('redirects plain HTTP to HTTPS with 308 when asked', async () => {
    const redirecting = await startGateway({
      discovery, port: 0, adminPort: 0, routes: [{ path: '/svc/*', service: 'svc' }],
      tls: { certFile: join(dir, 'tls.pem'), keyFile: join(dir, 'tls.key'), port: 0, redirectHttp: true },
    });
    try {
      const res = await send(`${redirecting.url}/svc/x?y=1`, { method: 'POST', headers: { host: 'api.example.com:8080' }, body: 'x' });
      expect(res.status).toBe(308);
      expect(res.headers.location).toBe(`https://api.example.com:${new URL(redirecting.tlsUrl!).port}/svc/x?y=1`);
    } finally {
      await redirecting.close();
    }
  });

  it('refuses to start with unusable certificate files, naming them', async () => {
    await writeFile(join(dir, 'broken.pem'), 'not a certificate');
    await expect(startGateway({ discovery, port: 0, adminPort: 0, tls: { certFile: join(dir, 'broken.pem'), keyFile: join(dir, 'tls.key'), port: 0 } })).rejects.toMatchObject({
      code: 'MESHWAY_GATEWAY_INVALID_CONFIG',
      message: expect.stringContaining('broken.pem') as string,
    });
  });
});
