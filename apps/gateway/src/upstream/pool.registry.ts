import { Pool } from 'undici';

/** Settings of every upstream connection pool. */
export interface PoolSettings {
  /** Most connections to one instance. */
  readonly connections: number;
  /** Time to open a connection before the instance counts as unavailable, ms. */
  readonly connectTimeoutMs: number;
}

/** One keep-alive undici `Pool` per upstream origin, shared by every route that reaches it. */
export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly settings: PoolSettings) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.settings.connections,
        pipelining: 1,
        connect: { timeout: this.settings.connectTimeoutMs },
        // The gateway enforces its own deadline per request; undici's 300 s defaults only guard forgotten sockets.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes (gracefully: in-flight requests finish) the pools of origins no longer in use. */
  retain(inUse: ReadonlySet<string>): void {
    for (const [origin, pool] of this.pools) {
      if (inUse.has(origin)) continue;
      this.pools.delete(origin);
      void pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
