import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnTs, startNatsServer, type ManagedProcess, type StartedNatsServer } from '@meshway/testing';

/** One component process of a platform under test. */
export interface Component {
  readonly name: string;
  readonly process: ManagedProcess;
  readonly url: string;
}

export interface PlatformOptions {
  /** Services to start, with replica counts (default: users ×1, orders ×1). */
  readonly services?: Readonly<Record<string, number>>;
  /** Start the gateway (default true). */
  readonly gateway?: boolean;
  /** Extra env for every process. */
  readonly env?: Readonly<Record<string, string>>;
}

const START_TIMEOUT_MS = 45_000;

/**
 * A whole Meshway platform in real processes on free ports: registry (fresh data dir), services, gateway.
 * The same entry points `npm start` runs; torn down by `stop()` with no process left behind.
 */
export class Platform {
  readonly components: Component[] = [];
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'meshway-platform-'));
  private env: Record<string, string> = {};
  private nats: StartedNatsServer | undefined;
  registryUrl = '';
  gatewayUrl = '';
  adminUrl = '';

  static async start(options: PlatformOptions = {}): Promise<Platform> {
    const platform = new Platform();
    try {
      await platform.boot(options);
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** Starts one more instance of `service` and waits for its health. */
  async startService(service: string, extraEnv: Record<string, string> = {}): Promise<Component> {
    const port = await freePort();
    const index = this.components.filter((c) => c.name.startsWith(`${service}#`)).length + 1;
    const process = spawnTs(`apps/${service}/src/main.ts`, {
      name: `${service}#${index}`,
      env: { ...this.env, PORT: String(port), HOST: '127.0.0.1', ...extraEnv },
    });
    const component = { name: `${service}#${index}`, process, url: `http://127.0.0.1:${port}` };
    this.components.push(component);
    await process.waitForHttp(`${component.url}/health`, START_TIMEOUT_MS);
    return component;
  }

  /**
   * Starts one more gateway replica on its own ports, sharing the registry (and its KV) with the others, with `extraEnv`
   * over the platform's (e.g. another REDIS_URL or fail mode); waits for its admin `/health`.
   */
  async startGateway(name: string, extraEnv: Record<string, string> = {}): Promise<Component & { readonly adminUrl: string }> {
    const [port, adminPort] = [await freePort(), await freePort()];
    const process = spawnTs('apps/gateway/src/main.ts', { name, env: { ...this.env, GATEWAY_PORT: String(port), GATEWAY_ADMIN_PORT: String(adminPort), ...extraEnv } });
    const component = { name, process, url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}` };
    this.components.push(component);
    await process.waitForHttp(`${component.adminUrl}/health`, START_TIMEOUT_MS);
    return component;
  }

  instances(service: string): Component[] {
    return this.components.filter((c) => c.name.startsWith(`${service}#`));
  }

  component(name: string): Component {
    const found = this.components.find((c) => c.name === name);
    if (!found) throw new Error(`no component ${name}; have ${this.components.map((c) => c.name).join(', ')}`);
    return found;
  }

  /** Starts (or restarts, keeping its data) the registry on its port. */
  async startRegistry(): Promise<Component> {
    const process = spawnTs('apps/registry/src/main.ts', { name: 'registry', env: { ...this.env } });
    const component = { name: 'registry', process, url: this.registryUrl };
    this.components.push(component);
    await process.waitForHttp(`${this.registryUrl}/v1/status/leader`, START_TIMEOUT_MS);
    return component;
  }

  async stop(): Promise<void> {
    await Promise.all(this.components.map((c) => c.process.kill('SIGTERM')));
    await this.nats?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async boot(options: PlatformOptions): Promise<void> {
    const [registryPort, gatewayPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    this.registryUrl = `http://127.0.0.1:${registryPort}`;
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    // A private NATS: the services' subjects and queue groups are fixed, so platforms must not share a server.
    this.nats = await startNatsServer();
    this.env = {
      REGISTRY_PORT: String(registryPort),
      REGISTRY_DATA_DIR: join(this.dataDir, 'registry'),
      CONSUL_HTTP_ADDR: this.registryUrl,
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_ADMIN_PORT: String(adminPort),
      NATS_URL: this.nats.url,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    await this.startRegistry();
    const services = options.services ?? { users: 1, orders: 1 };
    await Promise.all(
      Object.entries(services).flatMap(([name, replicas]) => Array.from({ length: replicas }, () => this.startService(name))),
    );
    if (options.gateway !== false) {
      const process = spawnTs('apps/gateway/src/main.ts', { name: 'gateway', env: { ...this.env } });
      this.components.push({ name: 'gateway', process, url: this.gatewayUrl });
      await process.waitForHttp(`${this.adminUrl}/health`, START_TIMEOUT_MS);
    }
  }
}
