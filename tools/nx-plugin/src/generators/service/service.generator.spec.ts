import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { serviceGenerator } from './service.generator.js';

function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((child) => {
    const path = `${dir}/${child}`;
    return tree.isFile(path) ? [path] : filesUnder(tree, path);
  });
}

describe('nx g @meshway/nx:service', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('creates an HTTP service in apps/<name> with a sample route, unit and e2e specs', () => {
    serviceGenerator(tree, { name: 'billing', transport: 'http' });
    expect(filesUnder(tree, 'apps/billing').sort()).toEqual([
      'apps/billing/README.md',
      'apps/billing/package.json',
      'apps/billing/src/app.e2e.spec.ts',
      'apps/billing/src/app.module.ts',
      'apps/billing/src/echo.controller.spec.ts',
      'apps/billing/src/echo.controller.ts',
      'apps/billing/src/main.ts',
      'apps/billing/src/service.options.ts',
      'apps/billing/vitest.config.ts',
    ]);
    expect(tree.read('apps/billing/src/echo.controller.ts', 'utf8')).toContain("@Controller('billing')");
    expect(tree.read('apps/billing/src/service.options.ts', 'utf8')).toContain("{ methods: [], path: '/api/billing/*' }");
    expect(tree.read('apps/billing/vitest.config.ts', 'utf8')).toContain("name: 'billing'");
  });

  it('writes a package.json that npm workspaces, Nx tags and `npm start` understand', () => {
    serviceGenerator(tree, { name: 'billing', transport: 'http' });
    const pkg = readJson<Record<string, unknown>>(tree, 'apps/billing/package.json');
    expect(pkg).toMatchObject({
      name: '@meshway/billing',
      type: 'module',
      scripts: {
        serve: 'node --conditions=@meshway/source --import @swc-node/register/esm-register src/main.ts',
        build: 'swc src -d dist --strip-leading-paths --config-file ../../.swcrc',
        test: 'vitest run',
      },
      dependencies: { '@meshway/service': '*', zod: expect.any(String) },
      devDependencies: { '@meshway/testing': '*' },
      nx: { tags: ['type:app'] },
      meshway: { role: 'service', transport: 'http' },
    });
  });

  it('wires the app module with exactly one Meshway import', () => {
    serviceGenerator(tree, { name: 'billing' });
    const appModule = tree.read('apps/billing/src/app.module.ts', 'utf8') ?? '';
    expect(appModule.match(/MeshwayServiceModule\.forRoot\(/g)).toHaveLength(1);
    expect(tree.read('apps/billing/src/main.ts', 'utf8')).toContain('await bootstrapService(AppModule, serviceOptions)');
  });

  it('defaults to HTTP', () => {
    serviceGenerator(tree, { name: 'billing' });
    expect(readJson(tree, 'apps/billing/package.json')).toMatchObject({ meshway: { transport: 'http' } });
  });

  it('creates a NATS service with a @MessagePattern handler, the transport deps and routes to its subject', () => {
    serviceGenerator(tree, { name: 'ledger', transport: 'nats' });
    expect(tree.exists('apps/ledger/src/echo.handler.ts')).toBe(true);
    expect(tree.exists('apps/ledger/src/echo.handler.spec.ts')).toBe(true);
    expect(tree.exists('apps/ledger/src/echo.controller.ts')).toBe(false);
    expect(tree.read('apps/ledger/src/echo.handler.ts', 'utf8')).toContain("@MessagePattern('ledger.echo')");
    expect(tree.read('apps/ledger/src/service.options.ts', 'utf8')).toContain("subject: 'ledger.echo'");
    expect(tree.read('apps/ledger/src/app.e2e.spec.ts', 'utf8')).toContain("client.send<HttpReplyEnvelope>('ledger.echo'");
    expect(readJson(tree, 'apps/ledger/package.json')).toMatchObject({
      dependencies: { '@meshway/transport': '*', '@nestjs/microservices': expect.any(String), '@nats-io/transport-node': expect.any(String) },
      meshway: { role: 'service', transport: 'nats' },
    });
  });

  it('gives a NATS service HTTP mode from @meshway/service alone: its e2e also runs it without NATS, its README says how', () => {
    serviceGenerator(tree, { name: 'ledger', transport: 'nats' });
    const e2e = tree.read('apps/ledger/src/app.e2e.spec.ts', 'utf8') ?? '';
    expect(e2e).toContain("MESHWAY_TRANSPORT: 'nats'");
    expect(e2e).toContain("MESHWAY_TRANSPORT: 'http'");
    expect(e2e).toContain('fetch(`${url}/api/ledger/echo`');
    for (const file of ['app.module.ts', 'main.ts', 'echo.handler.ts']) expect(tree.read(`apps/ledger/src/${file}`, 'utf8')).not.toMatch(/HttpRpcServer|MESHWAY_TRANSPORT/);
    expect(tree.read('apps/ledger/README.md', 'utf8')).toContain('## Without NATS');
    serviceGenerator(tree, { name: 'billing' });
    expect(tree.read('apps/billing/README.md', 'utf8')).not.toContain('Without NATS');
  });

  it('--events=publish: the echo handler publishes <name>.echoed into a stream ensured at boot, off in HTTP mode', () => {
    serviceGenerator(tree, { name: 'ledger', transport: 'nats', events: 'publish' });
    expect(filesUnder(tree, 'apps/ledger/src').sort()).toEqual([
      'apps/ledger/src/app.e2e.spec.ts',
      'apps/ledger/src/app.module.ts',
      'apps/ledger/src/echo.handler.spec.ts',
      'apps/ledger/src/echo.handler.ts',
      'apps/ledger/src/events.options.ts',
      'apps/ledger/src/events.streams.ts',
      'apps/ledger/src/main.ts',
      'apps/ledger/src/service.options.ts',
    ]);
    const read = (file: string) => tree.read(`apps/ledger/${file}`, 'utf8') ?? '';
    expect(read('src/app.module.ts')).toContain('EventsModule.forRootAsync({ inject: [MESHWAY_CONFIG, SERVICE_TRANSPORT], useFactory: eventsOptions })');
    expect(read('src/events.streams.ts')).toContain("{ name: 'LEDGER_EVENTS', subjects: [ECHOED_EVENT] }");
    expect(read('src/events.streams.ts')).toContain("ECHOED_EVENT = 'ledger.echoed'");
    expect(read('src/events.options.ts')).toContain("jetStream: 'optional'");
    expect(read('src/echo.handler.ts')).toContain('await this.events.publish(ECHOED_EVENT, event, { msgId })');
    expect(read('src/app.e2e.spec.ts')).toContain('startNatsServer({ jetStream: true })');
    expect(read('src/app.e2e.spec.ts')).toContain('events are off: ledger serves HTTP');
    expect(read('README.md')).toContain('## Events (NATS JetStream');
    expect(readJson(tree, 'apps/ledger/package.json')).toMatchObject({ dependencies: { '@meshway/events': '*', '@meshway/config': '*' } });
  });

  it('--events=consume: a durable @OnEvent consumer of a sample stream and a route listing what it handled', () => {
    serviceGenerator(tree, { name: 'inbox', transport: 'nats', events: 'consume' });
    const read = (file: string) => tree.read(`apps/inbox/${file}`, 'utf8') ?? '';
    for (const file of ['sample-event.consumer.ts', 'handled-events.ts', 'handled-events.spec.ts', 'handled-events.handler.ts', 'events.streams.ts', 'events.options.ts']) {
      expect(tree.exists(`apps/inbox/src/${file}`), file).toBe(true);
    }
    expect(read('src/sample-event.consumer.ts')).toContain("@OnEvent({ stream: INBOX_EVENTS_STREAM.name, durable: 'inbox', subject: SAMPLE_EVENT");
    expect(read('src/events.streams.ts')).toContain("{ name: 'INBOX_SAMPLE_EVENTS', subjects: [SAMPLE_EVENT] }");
    expect(read('src/service.options.ts')).toContain("{ methods: ['GET'], path: '/api/inbox/handled', subject: 'inbox.handled' }");
    expect(read('src/app.module.ts')).toContain('providers: [{ provide: HandledEvents, useFactory: () => new HandledEvents() }, SampleEventConsumer]');
    expect(read('src/echo.handler.ts')).not.toContain('EventPublisher');
    expect(read('src/app.e2e.spec.ts')).toContain("client.send<HttpReplyEnvelope>('inbox.handled'");
  });

  it('--events=none (the default) writes no events code', () => {
    serviceGenerator(tree, { name: 'ledger', transport: 'nats' });
    expect(tree.exists('apps/ledger/src/events.options.ts')).toBe(false);
    expect(tree.read('apps/ledger/src/app.module.ts', 'utf8')).not.toContain('Events');
    expect(readJson<{ dependencies: Record<string, string> }>(tree, 'apps/ledger/package.json').dependencies).not.toHaveProperty('@meshway/events');
  });

  it('leaves no template markers in names or contents', () => {
    serviceGenerator(tree, { name: 'billing' });
    serviceGenerator(tree, { name: 'ledger', transport: 'nats' });
    serviceGenerator(tree, { name: 'pub', transport: 'nats', events: 'publish' });
    serviceGenerator(tree, { name: 'sub-box', transport: 'nats', events: 'consume' });
    for (const file of ['billing', 'ledger', 'pub', 'sub-box'].flatMap((name) => filesUnder(tree, `apps/${name}`))) {
      expect(file).not.toMatch(/__\w+__/);
      expect(tree.read(file, 'utf8')).not.toMatch(/<%|%>/);
    }
  });

  describe('bad input: a clear error and nothing written', () => {
    const expectNothingWritten = (run: () => unknown, message: RegExp) => {
      const before = tree.listChanges().length;
      expect(run).toThrow(message);
      expect(tree.listChanges()).toHaveLength(before);
      expect(tree.exists('apps/billing/package.json')).toBe(false);
    };

    it.each(['Billing!', 'Billing', 'billing_svc', '1billing', '-billing', ''])('rejects the name %j', (name) => {
      expectNothingWritten(() => serviceGenerator(tree, { name }), /Invalid service name .*lower-case kebab case/);
    });

    it('rejects an unknown transport, naming the allowed ones', () => {
      const schema = { name: 'billing', transport: 'smtp' } as unknown as Parameters<typeof serviceGenerator>[1];
      expectNothingWritten(() => serviceGenerator(tree, schema), /Invalid --transport="smtp": expected one of http, nats/);
    });

    it('rejects unknown --events, naming the allowed ones, and --events on an HTTP service', () => {
      const schema = (events: string, transport = 'nats') => ({ name: 'billing', transport, events }) as unknown as Parameters<typeof serviceGenerator>[1];
      expectNothingWritten(() => serviceGenerator(tree, schema('both')), /Invalid --events="both": expected one of none, publish, consume/);
      expectNothingWritten(() => serviceGenerator(tree, schema('consume', 'http')), /--events=consume needs --transport=nats/);
    });

    it('refuses a name whose folder exists', () => {
      tree.write('apps/billing/notes.md', 'keep me');
      expect(() => serviceGenerator(tree, { name: 'billing' })).toThrow('apps/billing already exists');
      expect(tree.children('apps/billing')).toEqual(['notes.md']);
    });

    it('refuses a name another project already uses as its package name', () => {
      writeJson(tree, 'libs/billing/package.json', { name: '@meshway/billing', version: '0.1.0' });
      writeJson(tree, 'package.json', { ...readJson<Record<string, unknown>>(tree, 'package.json'), workspaces: ['apps/*', 'libs/*'] });
      expectNothingWritten(() => serviceGenerator(tree, { name: 'billing' }), /A project named @meshway\/billing already exists/);
    });
  });
});
