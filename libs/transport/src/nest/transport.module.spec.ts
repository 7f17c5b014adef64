import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StaticDiscovery, type DiscoverySource } from '@meshway/discovery';
import { DISCOVERY_SOURCE } from '@meshway/discovery/nest';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MeshClient } from '../mesh-client.js';
import { TransportModule } from './transport.module.js';
import { MESH_CLIENT_TLS } from './transport.tokens.js';

let upstream: FastifyInstance;
let discovery: StaticDiscovery;
const apps: INestApplicationContext[] = [];

beforeAll(async () => {
  upstream = Fastify();
  upstream.get('/users/:id', (req, res) => res.send({ id: (req.params as { id: string }).id }));
  await upstream.listen({ port: 0, host: '127.0.0.1' });
  discovery = new StaticDiscovery([{ service: 'users', address: '127.0.0.1', port: (upstream.server.address() as AddressInfo).port }]);
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot(module: object): Promise<INestApplicationContext> {
  // Nest declares its options as a class; Readonly<> says only the literal's fields matter.
  const options: Readonly<NonNullable<Parameters<typeof NestFactory.createApplicationContext>[1]>> = { logger: false, abortOnError: false };
  const app = await NestFactory.createApplicationContext(module, options);
  apps.push(app);
  return app;
}

describe('TransportModule', () => {
  it('provides a MeshClient from forRoot options, injectable by class', async () => {
    @Module({ imports: [TransportModule.forRoot({ discovery })] })
    class AppModule {}
    const app = await boot(AppModule);
    expect((await app.get(MeshClient).call('users', 'GET /users/5')).body).toEqual({ id: '5' });
  });

  it('builds the options with forRootAsync', async () => {
    @Module({ imports: [TransportModule.forRootAsync({ useFactory: () => ({ discovery, defaultTimeoutMs: 1_000 }) })] })
    class AppModule {}
    const app = await boot(AppModule);
    expect((await app.get(MeshClient).call('users', 'GET /users/6')).status).toBe(200);
  });

  it('takes the DiscoverySource of @meshway/discovery/nest (DISCOVERY_SOURCE) when no discovery is given', async () => {
    @Global()
    @Module({ providers: [{ provide: DISCOVERY_SOURCE, useValue: discovery satisfies DiscoverySource }], exports: [DISCOVERY_SOURCE] })
    class DiscoveryStandIn {}
    @Module({ imports: [DiscoveryStandIn, TransportModule.forRoot({})] })
    class AppModule {}
    const app = await boot(AppModule);
    expect((await app.get(MeshClient).call('users', 'GET /users/7')).body).toEqual({ id: '7' });
  });

  it('fails at boot with MESHWAY_TRANSPORT_INVALID_OPTIONS when it has no discovery', async () => {
    @Module({ imports: [TransportModule.forRoot({})] })
    class AppModule {}
    await expect(boot(AppModule)).rejects.toMatchObject({ code: 'MESHWAY_TRANSPORT_INVALID_OPTIONS', message: expect.stringContaining('needs a DiscoverySource') });
  });

  it('fails at boot naming a bad option', async () => {
    @Module({ imports: [TransportModule.forRoot({ discovery, balancer: 'fastest' as 'random' })] })
    class AppModule {}
    await expect(boot(AppModule)).rejects.toMatchObject({ code: 'MESHWAY_TRANSPORT_INVALID_OPTIONS', message: expect.stringContaining('balancer: got "fastest"') });
  });

  it('takes the TLS identities the app provides under MESH_CLIENT_TLS, and fails at boot when their files are unusable', async () => {
    @Global()
    @Module({ providers: [{ provide: MESH_CLIENT_TLS, useValue: { default: { caFile: '/nonexistent/meshway-ca.pem' } } }], exports: [MESH_CLIENT_TLS] })
    class TlsStandIn {}
    @Module({ imports: [TlsStandIn, TransportModule.forRoot({ discovery })] })
    class AppModule {}
    await expect(boot(AppModule)).rejects.toMatchObject({ code: 'MESHWAY_TRANSPORT_INVALID_OPTIONS', message: expect.stringContaining('tls.default: Cannot read the TLS CA bundle /nonexistent/meshway-ca.pem') });
  });

  it('closes the MeshClient when the app shuts down', async () => {
    @Module({ imports: [TransportModule.forRoot({ discovery })] })
    class AppModule {}
    const app = await boot(AppModule);
    const client = app.get(MeshClient);
    await app.close();
    await expect(client.call('users', 'GET /users/1')).rejects.toMatchObject({ code: 'MESHWAY_INVALID_CALL', message: expect.stringContaining('closed') });
  });
});
