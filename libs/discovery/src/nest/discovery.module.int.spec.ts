import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { freePort, spawnTs, startNestApp, waitFor, type ManagedProcess } from '@meshway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulDiscovery } from '../consul.discovery.js';
import type { DiscoverySource } from '../discovery.source.js';
import type { ServiceInstance } from '../service-instance.js';
import { buildRegistration } from '../service-registration.js';
import { ServiceRegistrar } from '../service.registrar.js';
import { DiscoveryRegistration } from './discovery-registration.service.js';
import { DiscoveryModule } from './discovery.module.js';
import { DISCOVERY_SOURCE } from './discovery.tokens.js';

const START_MS = 120_000;
/** The registry runs with ACL on, so every call here proves the token travels (X-Consul-Token). */
const TOKEN = 'int-spec-token';
const headers = { 'X-Consul-Token': TOKEN };

interface HealthEntry {
  Service: { ID: string; Port: number; Meta: Record<string, string> };
  Checks: { CheckID: string; Status: string }[];
}

@Controller()
class ProbeController {
  constructor(
    private readonly registration: DiscoveryRegistration,
    @Inject(DISCOVERY_SOURCE) private readonly discovery: DiscoverySource,
  ) {}

  /** The registry's HTTP check GETs this. */
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('info')
  info(): { id: string | undefined } {
    return { id: this.registration.current?.id };
  }

  @Get('instances/:service')
  instances(@Param('service') service: string): Promise<readonly ServiceInstance[]> {
    return this.discovery.resolve(service);
  }
}

const REGISTRY_ADDR = Symbol('registry-addr');

describe('DiscoveryModule in a Nest Fastify app, against the real registry', () => {
  let registry: ManagedProcess;
  let dataDir: string;
  let addr: string;

  const health = async (service: string, passing = false): Promise<HealthEntry[]> =>
    (await (await fetch(`${addr}/v1/health/service/${service}${passing ? '?passing' : ''}`, { headers })).json()) as HealthEntry[];

  beforeAll(async () => {
    const port = await freePort();
    dataDir = await mkdtemp(join(tmpdir(), 'meshway-discovery-nest-'));
    addr = `http://127.0.0.1:${port}`;
    registry = spawnTs('apps/registry/src/main.ts', {
      name: 'registry',
      env: { REGISTRY_PORT: String(port), REGISTRY_HOST: '127.0.0.1', REGISTRY_DATA_DIR: dataDir, REGISTRY_ACL_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    });
    await registry.waitForHttp(`${addr}/v1/status/leader?token=${TOKEN}`, START_MS);
  }, START_MS);

  afterAll(async () => {
    await registry.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers the app once it listens on port 0 (HTTP /health check passing), and drains then deregisters only its own id on close', async () => {
    const sibling = new ServiceRegistrar({ addr, token: TOKEN });
    await sibling.register(buildRegistration({ name: 'nest-probe', id: 'nest-probe-sibling', address: '127.0.0.1', port: 1, check: 'ttl' }));
    @Module({
      imports: [
        DiscoveryModule.forRoot({
          service: { name: 'nest-probe', version: '1.2.3', transport: 'http', apiVersion: 'v1', routes: [{ methods: ['GET'], path: '/api/probe' }], stripPrefix: '/api' },
          consul: { addr, token: TOKEN },
          drainMs: 1_500,
        }),
      ],
      controllers: [ProbeController],
    })
    class ProbeApp {}
    const app = await startNestApp(ProbeApp);
    const ownId = () => health('nest-probe', true).then((entries) => entries.find((e) => e.Service.Port === app.port));
    const own = await waitFor(ownId, { timeoutMs: 15_000, message: 'the app passing in /v1/health/service/nest-probe' });
    expect(own.Service.ID).toMatch(new RegExp(`^nest-probe-[A-Za-z0-9.-]+-${app.port}-[0-9a-f]{4}$`));
    expect(own.Service.Meta).toMatchObject({ 'meshway-transport': 'http', 'meshway-version': 'v1', 'meshway-service-version': '1.2.3', 'meshway-routes': 'GET /api/probe', 'meshway-strip-prefix': '/api', 'meshway-weight': '100' });
    expect(own.Checks.find((c) => c.CheckID === `service:${own.Service.ID}`)?.Status).toBe('passing');
    expect(await (await fetch(`${app.url}/info`)).json()).toEqual({ id: own.Service.ID });

    const watcher = new ConsulDiscovery({ addr, token: TOKEN });
    let gone = false;
    watcher.watch('nest-probe', (s) => (gone = !s.instances.some((i) => i.id === own.Service.ID)));
    await waitFor(() => !gone);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await waitFor(() => gone, { timeoutMs: 5_000, message: 'the draining instance leaves ?passing answers' });
    expect(closed).toBe(false); // maintenance first; deregistration only after drainMs
    expect((await health('nest-probe')).find((e) => e.Service.ID === own.Service.ID)?.Checks.map((c) => c.CheckID)).toContain(`_service_maintenance:${own.Service.ID}`);
    await closing;
    expect((await health('nest-probe')).map((e) => e.Service.ID)).toEqual(['nest-probe-sibling']);
    await watcher.close();
    await sibling.deregister();
    await sibling.close();
  }, 30_000);

  it('forRootAsync: options from an injected factory; register: false only provides a DiscoverySource', async () => {
    const registrar = new ServiceRegistrar({ addr, token: TOKEN });
    await registrar.register(buildRegistration({ name: 'billing', id: 'billing-1', address: '127.0.0.1', port: 4100, transport: 'nats', check: 'ttl' }));
    @Module({ providers: [{ provide: REGISTRY_ADDR, useValue: addr }], exports: [REGISTRY_ADDR] })
    class SettingsModule {}
    @Module({
      imports: [DiscoveryModule.forRootAsync({ imports: [SettingsModule], inject: [REGISTRY_ADDR], useFactory: (registryAddr: string) => ({ register: false, consul: { addr: registryAddr, token: TOKEN } }) })],
      controllers: [ProbeController],
    })
    class ClientApp {}
    const app = await startNestApp(ClientApp);
    try {
      const instances = (await (await fetch(`${app.url}/instances/billing`)).json()) as ServiceInstance[];
      expect(instances).toMatchObject([{ id: 'billing-1', transport: 'nats', port: 4100 }]);
      expect(await (await fetch(`${app.url}/info`)).json()).toEqual({});
      expect(Object.keys((await (await fetch(`${addr}/v1/agent/services`, { headers })).json()) as object)).toEqual(['billing-1']);
    } finally {
      await app.close();
      await registrar.deregister();
      await registrar.close();
    }
  }, 30_000);

  it('reports a wrong token as MESHWAY_REGISTRY_REJECTED (403) for queries and MESHWAY_REGISTRATION_FAILED for registration', async () => {
    const discovery = new ConsulDiscovery({ addr, token: 'wrong' });
    const registrar = new ServiceRegistrar({ addr, token: 'wrong' });
    await expect(discovery.resolve('billing')).rejects.toMatchObject({ code: 'MESHWAY_REGISTRY_REJECTED', status: 403 });
    await expect(registrar.register(buildRegistration({ name: 'x', id: 'x-1', address: '127.0.0.1', port: 1, check: 'ttl' }))).rejects.toMatchObject({
      code: 'MESHWAY_REGISTRATION_FAILED',
      status: 403,
    });
    await Promise.all([discovery.close(), registrar.close()]);
  });

  it('fails the boot with MESHWAY_DISCOVERY_INVALID_OPTIONS naming a bad service option', async () => {
    @Module({ imports: [DiscoveryModule.forRoot({ service: { name: 'bad name', version: '1', transport: 'http' }, consul: { addr } })] })
    class BadApp {}
    await expect(startNestApp(BadApp, { logger: false })).rejects.toMatchObject({ code: 'MESHWAY_DISCOVERY_INVALID_OPTIONS', message: expect.stringContaining('"name": got "bad name"') });
  });
});
