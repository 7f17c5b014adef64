import type { ServiceInstance } from '@meshway/discovery';
import { Pool } from 'undici';

/** Settings of every upstream connection pool. */
export interface PoolSettings {
  /** Most connections to one instance. */
  readonly connections: number;
  /** Time to open a connection before the instance counts as unavailable, ms. */
  readonly connectTimeoutMs: number;
  /** Idle keep-alive socket lifetime, ms (under Node's 5 s server keep-alive, so we close first). */
  readonly keepAliveTimeoutMs: number;
}

export const POOL_DEFAULTS: PoolSettings = { connections: 128, connectTimeoutMs: 2_000, keepAliveTimeoutMs: 4_000 };

/** `http://address:port` of an instance (IPv6 in brackets): the key of its pool. */
export function originOf(instance: Pick<ServiceInstance, 'address' | 'port'>): string {
  return `http://${authorityOf(instance)}`;
}

/** `address:port`, sent as the upstream `Host`. */
export function authorityOf(instance: Pick<ServiceInstance, 'address' | 'port'>): string {
  return `${instance.address.includes(':') ? `[${instance.address}]` : instance.address}:${instance.port}`;
}

/**
 * One keep-alive undici `Pool` per upstream origin, shared by everything in the process that reaches it
 * (every gateway route, every MeshClient call). Deadlines are the caller's: undici's own header/body
 * timeouts are off, so a slow-but-allowed answer is never cut by a second clock.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly settings: PoolSettings = POOL_DEFAULTS) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.settings.connections,
        pipelining: 1,
        connect: { timeout: this.settings.connectTimeoutMs },
        keepAliveTimeout: this.settings.keepAliveTimeoutMs,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Open pools (for tests and metrics). */
  get size(): number {
    return this.pools.size;
  }

  /** Closes (gracefully: in-flight requests finish) the pools of origins no longer in use. */
  retain(inUse: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [origin, pool] of this.pools) {
      if (inUse.has(origin)) continue;
      this.pools.delete(origin);
      closing.push(pool.close().catch(() => undefined));
    }
    return Promise.all(closing).then(() => undefined);
  }

  /** Destroys every pool (in-flight requests fail). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
