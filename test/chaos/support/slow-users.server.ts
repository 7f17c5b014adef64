import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in saw: its path and the budget its caller gave it (`x-request-timeout`, ms). */
export interface SeenRequest {
  readonly path: string;
  readonly budgetMs: number | undefined;
}

/** The one user the stand-in answers at once: a test calls it to show users healthy between slow calls. */
export const QUICK_USER = 'quick';

/**
 * A stand-in `users` service that answers `GET /users/:id` only after `delayMs` (`GET /users/quick` at once), recording
 * the `x-request-timeout` each request carried. It registers in the registry the way a service does (agent API, `meshway-*` meta), with no
 * health check, so it counts as passing at once and leaves nothing to chance in the registry's check timing.
 */
export class SlowUsersServer {
  readonly seen: SeenRequest[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private id = '';

  private constructor(
    private readonly registryUrl: string,
    private readonly delayMs: number,
  ) {
    this.server = createServer((req, res) => {
      this.answer(req, res);
    });
  }

  /** Listens on a free port and registers as `users`. */
  static async start(registryUrl: string, delayMs: number): Promise<SlowUsersServer> {
    const users = new SlowUsersServer(registryUrl, delayMs);
    await new Promise<void>((resolve) => users.server.listen(0, '127.0.0.1', resolve));
    await users.register();
    return users;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await fetch(`${this.registryUrl}/v1/agent/service/deregister/${this.id}`, { method: 'PUT' }).catch(() => undefined);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }

  private async register(): Promise<void> {
    this.id = `users-slow-${this.port}`;
    const meta = { 'meshway-transport': 'http', 'meshway-routes': 'GET /api/users/:id', 'meshway-strip-prefix': '/api', 'meshway-service-version': '0.0.0-slow' };
    const body = { ID: this.id, Name: 'users', Address: '127.0.0.1', Port: this.port, Meta: meta };
    const res = await fetch(`${this.registryUrl}/v1/agent/service/register`, { method: 'PUT', body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`registering ${this.id} failed: HTTP ${res.status} ${await res.text()}`);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const header = req.headers['x-request-timeout'];
    this.seen.push({ path: req.url ?? '', budgetMs: typeof header === 'string' ? Number(header) : undefined });
    const id = /^\/users\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (res.destroyed) return;
      res.writeHead(id === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(id === undefined ? { error: { code: 'NOT_FOUND', message: 'no such route' } } : { id, name: `user ${id}` }));
    }, id === QUICK_USER ? 0 : this.delayMs);
    this.timers.add(timer);
  }
}
