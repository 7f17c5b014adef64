import type { ServiceInstance } from '@meshway/discovery';
import type { Pool } from 'undici';
import { originOf, poolKey, type PoolRegistry, type UpstreamTls } from './pool.registry.js';

/** An instance that speaks TLS while the caller has no identity for its service: verified against Node's public CAs. */
const PUBLIC_CAS: UpstreamTls = { version: 'public' };

/** How one HTTP instance is reached: its origin, the TLS to connect with (none for plain HTTP), and its pool's key. */
export interface UpstreamConnection {
  readonly origin: string;
  readonly tls: UpstreamTls | undefined;
  readonly key: string;
}

/**
 * The one rule for TLS towards an instance, for the gateway and MeshClient alike: TLS when the instance says so (meta
 * `meshway-scheme: https`) or the caller has an identity for its service — an identity never talks plain HTTP, so a
 * registration cannot downgrade the caller — and then that identity (CA, client certificate) goes with the connection.
 */
export function connectionOf(instance: Pick<ServiceInstance, 'address' | 'port' | 'scheme'>, identity: UpstreamTls | undefined): UpstreamConnection {
  const secure = instance.scheme === 'https' || identity !== undefined;
  const origin = originOf(instance, secure ? 'https' : 'http');
  const tls = secure ? (identity ?? PUBLIC_CAS) : undefined;
  return { origin, tls, key: poolKey(origin, tls) };
}

/** The pools of HTTP instances, each connected with the TLS identity of its service (when the caller has one). */
export class UpstreamConnections {
  constructor(
    readonly pools: PoolRegistry,
    /** The identity for a service, read on every call (identities are reloaded). */
    private readonly identityFor: (service: string) => UpstreamTls | undefined = () => undefined,
  ) {}

  pool(instance: ServiceInstance): Pool {
    const { origin, tls } = connectionOf(instance, this.identityFor(instance.service));
    return this.pools.get(origin, tls);
  }

  /** Closes (gracefully) the pools of instances no longer `live`, and those of identities since reloaded. */
  retain(live: readonly ServiceInstance[]): Promise<void> {
    const keys = live.filter((instance) => instance.transport === 'http').map((instance) => connectionOf(instance, this.identityFor(instance.service)).key);
    return this.pools.retain(new Set(keys));
  }
}
