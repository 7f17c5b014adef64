import type { Pool } from 'undici';
import type { ServiceInstance } from '@meshway/discovery';
import { satisfies } from 'semver';
import type { Clock } from '@meshway/clock';
import { UpstreamGuards, type GuardListeners, type ResiliencePolicies } from '@meshway/resilience';
import { authorityOf, connectionOf, type PoolRegistry, type UpstreamTls } from '@meshway/transport';

/** Where an HTTP request to one instance goes. */
export interface HttpTarget {
  readonly instance: ServiceInstance;
  readonly pool: Pool;
  /** `address:port`, sent as the upstream `Host`. */
  readonly authority: string;
}

const MAX_CACHED_RANGES = 64;

/** The healthy instances of one service, as discovery last reported them, with their connection pools. */
export class Upstream {
  private current: readonly ServiceInstance[] = [];
  private http: readonly ServiceInstance[] = [];
  private targets = new Map<ServiceInstance, HttpTarget>();
  private origins = new Set<string>();
  /** HTTP instances per semver range, computed once per range and instance list (versioned routes, releases). */
  private byRange = new Map<string, readonly ServiceInstance[]>();
  /** Resilience state per set of policies: routes of this service with the same policies share one (the usual case). */
  private readonly guards = new Map<string, UpstreamGuards>();

  constructor(
    readonly service: string,
    private readonly pools: PoolRegistry,
    private readonly clock: Clock,
    private readonly listeners: GuardListeners,
    /** The TLS identity to reach this service with, when the gateway has one (mTLS); read on every update. */
    private readonly tls: () => UpstreamTls | undefined = () => undefined,
    /** Instances an operator drained: they get no new request. */
    private readonly drained: { filter(instances: readonly ServiceInstance[]): readonly ServiceInstance[] } = { filter: (instances) => instances },
  ) {}

  get instances(): readonly ServiceInstance[] {
    return this.current;
  }

  /** The instances reached over HTTP that are not drained (a route's guards then leave out ejected ones and open breakers). */
  get httpInstances(): readonly ServiceInstance[] {
    return this.drained.filter(this.http);
  }

  /**
   * The budget, breakers, outlier detection and bulkhead for `policies` on this service: made on first use and shared by
   * every route with the same policies, so what one route learns about an instance, the others use.
   */
  guardsFor(policies: ResiliencePolicies): UpstreamGuards {
    const key = JSON.stringify([policies.budget, policies.breaker, policies.outlier, policies.bulkhead]);
    let guards = this.guards.get(key);
    if (!guards) {
      guards = new UpstreamGuards(policies, this.clock, this.listeners);
      guards.retain(this.current);
      this.guards.set(key, guards);
    }
    return guards;
  }

  /** The not-drained HTTP instances whose service version satisfies `range` (prereleases included: a canary may be one). */
  httpInstancesFor(range: string): readonly ServiceInstance[] {
    let matching = this.byRange.get(range);
    if (!matching) {
      matching = this.http.filter((instance) => instance.serviceVersion !== undefined && satisfies(instance.serviceVersion, range, { includePrerelease: true }));
      // Ranges come from request headers too: remember only a bounded number of them.
      if (this.byRange.size < MAX_CACHED_RANGES) this.byRange.set(range, matching);
    }
    return this.drained.filter(matching);
  }

  /** The distinct service versions the HTTP instances run (for a "no such version" answer). */
  versions(): string[] {
    return [...new Set(this.http.map((instance) => instance.serviceVersion ?? 'unversioned'))].sort();
  }


  /** Ids of instances outlier detection has ejected now (by any of this service's guards). */
  get ejectedIds(): string[] {
    return [...new Set([...this.guards.values()].flatMap((guards) => guards.outlier?.ejectedIds() ?? []))];
  }

  /** Pool keys this upstream's HTTP instances use (to know which pools may close). */
  get originsInUse(): ReadonlySet<string> {
    return this.origins;
  }

  /**
   * New instances from discovery, each reached as transport's `connectionOf` says (the rule MeshClient follows too): over
   * TLS when it says so (meta `meshway-scheme: https`) or the gateway has a TLS identity for the service, which then goes
   * with every connection.
   */
  update(instances: readonly ServiceInstance[]): void {
    const targets = new Map<ServiceInstance, HttpTarget>();
    const origins = new Set<string>();
    const tls = this.tls();
    for (const instance of instances) {
      if (instance.transport !== 'http') continue;
      const connection = connectionOf(instance, tls);
      origins.add(connection.key);
      targets.set(instance, { instance, pool: this.pools.get(connection.origin, connection.tls), authority: authorityOf(instance) });
    }
    this.current = instances;
    this.http = instances.filter((instance) => instance.transport === 'http');
    this.targets = targets;
    this.origins = origins;
    this.byRange = new Map();
    for (const guards of this.guards.values()) guards.retain(instances);
  }

  /** Rebuilds the targets with the current TLS identity (it was reloaded). */
  refresh(): void {
    this.update(this.current);
  }

  target(instance: ServiceInstance): HttpTarget | undefined {
    return this.targets.get(instance);
  }
}
