import type { Pool } from 'undici';
import type { ServiceInstance } from '@meshway/discovery';
import { satisfies } from 'semver';
import { authorityOf, originOf, type FailureKind, type PoolRegistry } from '@meshway/transport';
import type { OutlierEjector } from './outlier.ejector.js';

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

  constructor(
    readonly service: string,
    private readonly pools: PoolRegistry,
    private readonly ejector: OutlierEjector,
  ) {}

  get instances(): readonly ServiceInstance[] {
    return this.current;
  }

  /** The instances reached over HTTP that are not ejected (the balancer's choices for an HTTP route). */
  get httpInstances(): readonly ServiceInstance[] {
    return this.ejector.filter(this.http);
  }

  /** The not-ejected HTTP instances whose service version satisfies `range` (prereleases included: a canary may be one). */
  httpInstancesFor(range: string): readonly ServiceInstance[] {
    let matching = this.byRange.get(range);
    if (!matching) {
      matching = this.http.filter((instance) => instance.serviceVersion !== undefined && satisfies(instance.serviceVersion, range, { includePrerelease: true }));
      // Ranges come from request headers too: remember only a bounded number of them.
      if (this.byRange.size < MAX_CACHED_RANGES) this.byRange.set(range, matching);
    }
    return this.ejector.filter(matching);
  }

  /** The distinct service versions the HTTP instances run (for a "no such version" answer). */
  versions(): string[] {
    return [...new Set(this.http.map((instance) => instance.serviceVersion ?? 'unversioned'))].sort();
  }

  /** An attempt on `instance` failed: one that refused or broke the connection sits out picks for a while. */
  reportFailure(instance: ServiceInstance, kind: FailureKind): void {
    if (kind === 'connect' || kind === 'reset') this.ejector.eject(instance);
  }

  /** An attempt on `instance` got an answer below 500. */
  reportSuccess(_instance: ServiceInstance): void {
    // Passive health only learns from failures today.
  }

  /** Ids of instances currently ejected. */
  get ejectedIds(): string[] {
    return this.ejector.ejectedIds();
  }

  /** Origins this upstream's HTTP instances use (to know which pools may close). */
  get originsInUse(): ReadonlySet<string> {
    return this.origins;
  }

  update(instances: readonly ServiceInstance[]): void {
    const targets = new Map<ServiceInstance, HttpTarget>();
    const origins = new Set<string>();
    for (const instance of instances) {
      if (instance.transport !== 'http') continue;
      const origin = originOf(instance);
      origins.add(origin);
      targets.set(instance, { instance, pool: this.pools.get(origin), authority: authorityOf(instance) });
    }
    this.current = instances;
    this.http = instances.filter((instance) => instance.transport === 'http');
    this.targets = targets;
    this.origins = origins;
    this.byRange = new Map();
  }

  target(instance: ServiceInstance): HttpTarget | undefined {
    return this.targets.get(instance);
  }
}
