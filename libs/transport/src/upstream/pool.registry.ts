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

/**
 * The TLS side of an upstream connection: the CA that must have signed the instance's certificate, the client identity
 * to present (mTLS), and the name to check the certificate against. `version` changes when the files are reloaded.
 */
export interface UpstreamTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Name the instance's certificate must carry (SNI too); default: the instance address. */
  readonly servername?: string;
  readonly version: string;
}

/** `http://address:port` (or `https://` when the instance speaks TLS) of an instance, IPv6 in brackets: the key of its pool. */
export function originOf(instance: Pick<ServiceInstance, 'address' | 'port'>, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${authorityOf(instance)}`;
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

  /** The pool of `origin`; an `https:` origin connects with `tls` (its CA, client identity and name to verify). */
  get(origin: string, tls?: UpstreamTls): Pool {
    const key = poolKey(origin, tls);
    let pool = this.pools.get(key);
    if (!pool) {
      const secure = tls === undefined ? {} : { ca: tls.ca, cert: tls.cert, key: tls.key, ...(tls.servername === undefined ? {} : { servername: tls.servername }), rejectUnauthorized: true };
      pool = new Pool(origin, {
        connections: this.settings.connections,
        pipelining: 1,
        connect: { timeout: this.settings.connectTimeoutMs, ...secure },
        keepAliveTimeout: this.settings.keepAliveTimeoutMs,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Open pools (for tests and metrics). */
  get size(): number {
    return this.pools.size;
  }

  /**
   * Closes (gracefully: in-flight requests finish) the pools no longer in use; `inUse` holds pool keys: the origin, with
   * `#<tls version>` for TLS pools (see {@link poolKey}).
   */
  retain(inUse: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (inUse.has(key)) continue;
      this.pools.delete(key);
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

/** The key {@link PoolRegistry.get} files a pool under (for `retain`). */
export function poolKey(origin: string, tls?: UpstreamTls): string {
  return tls === undefined ? origin : `${origin}#${tls.version}`;
}
