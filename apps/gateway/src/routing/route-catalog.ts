import type { Balancer, BalancerName } from '@meshway/balancing';
import type { Clock, Random } from '@meshway/clock';
import type { DiscoverySnapshot, DiscoverySource, Unsubscribe } from '@meshway/discovery';
import { resolvePolicies } from '@meshway/resilience';
import type { PoolRegistry, UpstreamTls } from '@meshway/transport';
import type { Authenticator } from '@meshway/auth';
import { errorMessage } from '@meshway/errors';
import { buildRouteChain, closedChain, type TerminalDeps } from '../chain/route-steps.js';
import type { GatewayLogger } from '../gateway.logger.js';
import type { GatewayMetrics } from '../metrics/gateway.metrics.js';
import type { ReleaseTable } from '../releases/release.table.js';
import type { EdgeSecurity } from '../security/edge-security.js';
import type { RouteAdmission } from '../security/route-admission.js';
import type { DrainedInstances } from '../upstream/drained.instances.js';
import { Upstream } from '../upstream/upstream.js';
import { announcedRoutes } from './announced-routes.js';
import { CorsPolicy } from './cors.policy.js';
import { applySettings, routeKey, type RouteDefaults, type RouteSettings, type RouteSpec } from './route.definition.js';
import { RouteTable, type Route } from './route-table.js';

export interface RouteCatalogDeps {
  readonly discovery: DiscoverySource;
  readonly defaults: RouteDefaults;
  readonly pools: PoolRegistry;
  readonly metrics: GatewayMetrics;
  readonly createBalancer: (name: BalancerName) => Balancer;
  readonly logger: GatewayLogger;
  /** Drives deadlines and outlier ejection (instances that refuse connections sit out a while). */
  readonly clock: Clock;
  readonly random: Random;
  readonly terminals: TerminalDeps;
  readonly releases: ReleaseTable;
  /** The TLS identity to reach a service with (mTLS), if any. */
  readonly upstreamTls: (service: string) => UpstreamTls | undefined;
  readonly drained: DrainedInstances;
  /** Auth, rate limits and trusted proxies: what each route asks of a request before it goes upstream. */
  readonly security: EdgeSecurity;
}

/** Settings for the routes a service announces (its `services.<name>` block over the configuration's `defaults`). */
export type AnnouncedSettings = (service: string) => RouteSettings | undefined;

/**
 * The live routing table: file routes merged with the routes services announce in registry meta.
 * Watches the service list and each service; instance changes update upstreams in place, route
 * changes rebuild the table (and swap it in one assignment).
 */
export class RouteCatalog {
  private current: RouteTable;
  private readonly upstreams = new Map<string, Upstream>();
  private readonly watches = new Map<string, Unsubscribe>();
  private readonly announced = new Map<string, { readonly text: string; readonly specs: readonly RouteSpec[] }>();
  private routesById = new Map<string, { readonly route: Route; readonly authenticator: Authenticator }>();
  private announcedSettings: AnnouncedSettings = () => undefined;
  private stopServices: Unsubscribe | undefined;
  /** Routes from configuration (KV, file, inline), in precedence order. */
  private configured: readonly RouteSpec[] = [];
  private configuredServices: ReadonlySet<string> = new Set();
  private registryServices: readonly string[] = [];
  private started = false;

  constructor(private readonly deps: RouteCatalogDeps) {
    this.current = new RouteTable([]);
  }

  get table(): RouteTable {
    return this.current;
  }

  /** Upstreams by service name (for the admin API). */
  upstream(service: string): Upstream | undefined {
    return this.upstreams.get(service);
  }

  /** Every upstream the gateway knows (for the admin API). */
  allUpstreams(): Upstream[] {
    return [...this.upstreams.values()];
  }

  start(): void {
    this.started = true;
    for (const service of this.configuredServices) this.watchService(service);
    this.rebuild();
    this.stopServices = this.deps.discovery.watchServices((names) => {
      this.onServices(names);
    });
  }

  /**
   * Replaces the configured routes (a new configuration version): their services are watched, services only the old
   * configuration named are let go, and the table is rebuilt and swapped in one assignment — requests in flight keep
   * the route they matched, new requests see the new table.
   */
  setConfiguredRoutes(routes: readonly RouteSpec[], announced: AnnouncedSettings = this.announcedSettings): void {
    this.configured = routes;
    this.announcedSettings = announced;
    this.configuredServices = new Set(routes.map((spec) => spec.service));
    if (!this.started) return;
    this.onServices(this.registryServices);
    this.rebuild();
  }

  stop(): void {
    this.stopServices?.();
    for (const stop of this.watches.values()) stop();
    this.watches.clear();
  }

  private onServices(names: readonly string[]): void {
    this.registryServices = names;
    const wanted = new Set([...names, ...this.configuredServices]);
    for (const service of wanted) if (!this.watches.has(service)) this.watchService(service);
    let changed = false;
    for (const [service, stop] of this.watches) {
      if (wanted.has(service)) continue;
      stop();
      this.watches.delete(service);
      this.upstreams.delete(service);
      this.deps.metrics.setHealthyInstances(service, 0);
      changed = this.announced.delete(service) || changed;
    }
    if (changed) this.rebuild();
    this.retainPools();
  }

  private watchService(service: string): void {
    const upstream = this.newUpstream(service);
    this.upstreams.set(service, upstream);
    this.watches.set(service, () => undefined);
    const stop = this.deps.discovery.watch(service, (snapshot) => {
      this.onSnapshot(upstream, snapshot);
    });
    if (this.watches.has(service)) this.watches.set(service, stop);
    else stop();
  }

  private onSnapshot(upstream: Upstream, snapshot: DiscoverySnapshot): void {
    if (this.upstreams.get(upstream.service) !== upstream) return;
    upstream.update(snapshot.instances);
    this.deps.metrics.setHealthyInstances(upstream.service, snapshot.instances.length);
    this.retainPools();
    // With no healthy instance left, keep the service's routes (answering 503) until it leaves the registry.
    if (snapshot.instances.length === 0) return;
    const specs = announcedRoutes(snapshot.instances, this.deps.defaults, (service, instance, reason) => {
      this.deps.logger.warn({ service, instance, reason }, 'gateway: skipped an invalid route announcement');
    });
    const text = JSON.stringify(specs);
    if (this.announced.get(upstream.service)?.text === text) return;
    this.announced.set(upstream.service, { text, specs });
    this.rebuild();
  }

  private retainPools(): void {
    const inUse = new Set<string>();
    for (const upstream of this.upstreams.values()) for (const origin of upstream.originsInUse) inUse.add(origin);
    void this.deps.pools.retain(inUse); // closing pools finish their in-flight requests first; nothing to wait for here
  }

  private rebuild(): void {
    const services = [...this.announced.keys()].sort();
    const announced = services.flatMap((service) => {
      const settings = this.announcedSettings(service);
      return (this.announced.get(service)?.specs ?? []).map((spec) => (settings === undefined ? spec : { ...spec, ...applySettings(spec, settings) }));
    });
    const specs = [...this.configured, ...announced];
    const routes: Route[] = [];
    const byId = new Map<string, { readonly route: Route; readonly authenticator: Authenticator }>();
    const keys = new Map<string, RouteSpec>();
    for (const spec of specs) {
      const key = routeKey(spec);
      const winner = keys.get(key);
      if (winner) {
        this.deps.logger.warn({ route: key, service: spec.service, winner: winner.service, source: winner.source }, 'gateway: route shadowed by an earlier one');
        continue;
      }
      keys.set(key, spec);
      const route = this.routeFor(key, spec);
      byId.set(JSON.stringify(spec), { route, authenticator: this.deps.security.current });
      routes.push(route);
    }
    this.routesById = byId;
    this.current = new RouteTable(routes, (route, method, reason) => {
      this.deps.logger.warn({ route: route.key, method, reason }, 'gateway: route overlaps an earlier one; the earlier one wins');
    });
  }

  /** Reuses an unchanged route (same spec, upstream and authenticator) so its balancer keeps its state across rebuilds. */
  private routeFor(key: string, spec: RouteSpec): Route {
    const upstream = this.upstreams.get(spec.service) ?? this.newUpstream(spec.service);
    const previous = this.routesById.get(JSON.stringify(spec));
    if (previous?.route.upstream === upstream && previous.authenticator === this.deps.security.current) return previous.route;
    const balancer = this.deps.createBalancer(spec.balancer);
    const { clock, random, logger, metrics, terminals, releases } = this.deps;
    const policies = resolvePolicies(spec.resilience);
    const recorder = metrics.recorder(key, spec.service);
    const context = { key, spec, upstream, balancer, recorder, releases, policies, guards: upstream.guardsFor(policies), clock, random, logger };
    const cors = spec.cors && new CorsPolicy(spec.cors, spec.methods);
    let admission: RouteAdmission | undefined;
    try {
      admission = this.deps.security.admission(spec, key);
    } catch (error) {
      // Configuration is checked before it is applied, so this is a gap in those checks: never serve the route open.
      logger.error({ route: key, err: errorMessage(error) }, 'gateway: the route\'s auth cannot be bound; it answers 500 until the configuration is fixed');
      return { key, spec, upstream, balancer, chain: closedChain(), cors, admission: undefined };
    }
    return { key, spec, upstream, balancer, chain: buildRouteChain({ ...context, cors, admission }, terminals), cors, admission };
  }

  private newUpstream(service: string): Upstream {
    const listeners = this.deps.metrics.guardListeners(service, this.deps.logger);
    return new Upstream(service, this.deps.pools, this.deps.clock, listeners, () => this.deps.upstreamTls(service), this.deps.drained);
  }

  /** A TLS identity was reloaded: every upstream reconnects with it (new pools; old ones finish their requests). */
  refreshUpstreams(): void {
    for (const upstream of this.upstreams.values()) upstream.refresh();
    this.retainPools();
  }
}
