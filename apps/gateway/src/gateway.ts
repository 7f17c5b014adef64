import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { errorMessage } from '@meshway/errors';
import { ReloadingTls } from '@meshway/tls';
import { GatewayConfigError } from './gateway.errors.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { createBalancer } from '@meshway/balancing';
import { POOL_DEFAULTS, PoolRegistry, UpstreamTlsSet } from '@meshway/transport';
import type { GatewayLogger } from './gateway.logger.js';
import type { ResolvedGatewayOptions } from './gateway.options.js';
import { GatewayMetrics } from './metrics/gateway.metrics.js';
import { InflightTracker } from './proxy/inflight.tracker.js';
import { ProxyServer } from './proxy/proxy.server.js';
import { RequestHandler } from './proxy/request.handler.js';
import { WebSocketForwarder } from './proxy/websocket.forwarder.js';
import { RouteCatalog } from './routing/route-catalog.js';
import { EdgeSecurity } from './security/edge-security.js';
import { ConfigSources } from './live-config/config.sources.js';
import { DynamicConfig } from './live-config/dynamic-config.js';
import { LiveConfig, type ConfigSourceStatus } from './live-config/live-config.js';
import { ReleaseTable } from './releases/release.table.js';
import { DrainedInstances } from './upstream/drained.instances.js';
import { docsHandler } from './openapi/docs.page.js';
import { OpenApiAggregator } from './openapi/openapi.aggregator.js';
import { describeRoutes, type RouteView } from './routing/route.view.js';

/** An upstream instance as the admin API shows it. */
export interface InstanceView {
  readonly id: string;
  readonly service: string;
  readonly address: string;
  readonly port: number;
  readonly transport: string;
  readonly version: string | null;
  readonly drained: boolean;
  readonly ejected: boolean;
}

/**
 * The gateway's parts, wired: route catalog (file + announced routes over discovery), forwarders,
 * metrics and the public listener. Framework-free; the Nest module only adds the admin API and lifecycle.
 */
export class Gateway {
  readonly metrics = new GatewayMetrics();
  private readonly catalog: RouteCatalog;
  private readonly live: LiveConfig;
  /** Canary releases in force, from KV. */
  readonly releases: ReleaseTable;
  /** The routes document in KV that the admin API edits (every replica watches it). */
  readonly dynamicConfig: DynamicConfig;
  private readonly sources: ConfigSources;
  /** Auth, rate limits and trusted proxies, shared by every route. */
  private readonly security: EdgeSecurity;
  private readonly pools: PoolRegistry;
  private readonly inflight = new InflightTracker();
  private readonly server: ProxyServer;
  private draining = false;
  private address: { readonly http: AddressInfo; readonly https: AddressInfo | undefined } | undefined;
  private readonly tls: ReloadingTls | undefined;
  private readonly upstreamTls: UpstreamTlsSet;
  /** Instances an operator drained (KV, shared by replicas). */
  readonly drained: DrainedInstances;
  /** One OpenAPI document of every routed service (`/openapi.json`, `/docs`). */
  readonly openapi: OpenApiAggregator;
  private tlsContext: SecureContextOptions | undefined;

  constructor(
    private readonly options: ResolvedGatewayOptions,
    private readonly nats: NatsConnection | undefined,
  ) {
    const { clock, random, logger } = options;
    this.pools = new PoolRegistry({ connections: options.upstreamConnections, connectTimeoutMs: options.connectTimeoutMs, keepAliveTimeoutMs: POOL_DEFAULTS.keepAliveTimeoutMs });
    this.upstreamTls = new UpstreamTlsSet(options.upstreamTls, {
      clock,
      logger: { warn: (fields, message) => { logger.error(fields, `gateway: ${message}`); }, debug: (fields, message) => { logger.info(fields, `gateway: ${message}`); } },
      onChange: () => {
        this.catalog.refreshUpstreams();
      },
      invalid: (service, error) => new GatewayConfigError(`upstreamTls ${service === undefined ? 'default' : `for ${service}`}: ${errorMessage(error)}`, { cause: error }),
    });
    this.drained = new DrainedInstances(options.kv, clock, () => undefined);
    this.releases = new ReleaseTable({ kv: options.kv, clock, logger, metrics: this.metrics });
    this.security = new EdgeSecurity({ ...options.security, clock, logger, metrics: this.metrics });
    this.catalog = new RouteCatalog({
      discovery: options.discovery,
      defaults: options.defaults,
      pools: this.pools,
      metrics: this.metrics,
      createBalancer: (name) => createBalancer(name, { clock, random }),
      logger,
      clock,
      random,
      terminals: { nats: () => nats },
      releases: this.releases,
      upstreamTls: (service) => this.upstreamTls.for(service),
      drained: this.drained,
      security: this.security,
    });
    this.live = new LiveConfig({ defaults: options.defaults, clock, logger, security: this.security, onConfig: (config) => { this.catalog.setConfiguredRoutes(config.routes, config.announced); } });
    this.dynamicConfig = new DynamicConfig(options.kv, options.defaults, (text) => this.live.check(text));
    this.sources = new ConfigSources({ routesFile: options.routesFile, inlineRoutes: options.routes, kv: options.kv, clock, live: this.live, onKvEntries: (entries) => {
      this.releases.update(entries);
      this.drained.update(entries);
    } });
    const context = {
      clock, logger, inflight: this.inflight, unmatched: this.metrics.recorder('unmatched', ''), draining: () => this.draining,
      clientIp: (remote: string | undefined, forwardedFor: string | undefined) => this.security.clientIp(remote, forwardedFor),
    };
    this.openapi = new OpenApiAggregator({ routes: () => this.routes(), instances: (service) => this.catalog.upstream(service)?.instances ?? [], clock });
    const handler = new RequestHandler({ catalog: this.catalog, clock, context, ...(options.docs ? { builtins: docsHandler(this.openapi) } : {}) });
    const tls = options.tls;
    this.tls = tls && new ReloadingTls({
      files: { certFile: tls.certFile, keyFile: tls.keyFile },
      clock,
      onReload: (context) => {
        this.server.setSecureContext(context);
        logger.info({ certFile: tls.certFile }, 'gateway: TLS certificate reloaded');
      },
      onError: (error) => {
        logger.error({ err: errorMessage(error), certFile: tls.certFile }, 'gateway: new TLS files rejected; the current certificate stays');
      },
    });
    this.server = new ProxyServer({
      ...(tls ? { tls: { port: tls.port, redirectHttp: tls.redirectHttp, context: () => this.tlsContext ?? {} } } : {}),
      handler,
      websocket: new WebSocketForwarder({ catalog: this.catalog, logger, security: this.security, metrics: this.metrics }),
      inflight: this.inflight,
      clock,
      host: options.host,
      port: options.port,
      drainTimeoutMs: options.drainTimeoutMs,
      maxHeaderSize: options.maxHeaderSize,
    });
  }

  /** Reads the configured routes as they are now (inline, routes file); a bad file fails here, naming the field. */
  async loadConfig(): Promise<void> {
    await this.upstreamTls.start();
    await this.sources.load();
    if (this.tls) {
      try {
        this.tlsContext = await this.tls.start();
      } catch (error) {
        throw new GatewayConfigError(`GATEWAY_TLS_CERT_FILE / GATEWAY_TLS_KEY_FILE: ${errorMessage(error)}`, { cause: error });
      }
    }
  }

  get logger(): GatewayLogger {
    return this.options.logger;
  }

  /** Starts watching discovery and the configuration sources, and opens the public port. */
  async start(): Promise<AddressInfo> {
    this.catalog.start();
    this.sources.start();
    this.address = await this.server.listen();
    return this.address.http;
  }

  get port(): number {
    return this.address?.http.port ?? 0;
  }

  /** The HTTPS port, when TLS is on. */
  get tlsPort(): number | undefined {
    return this.address?.https?.port;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get inflightRequests(): number {
    return this.inflight.size;
  }

  /** The live routing table with each route's healthy instances. */
  routes(): RouteView[] {
    return describeRoutes(this.catalog.table.routes);
  }

  /** Every instance discovery reports, with whether it is drained or ejected. */
  instances(): InstanceView[] {
    return this.catalog.allUpstreams().flatMap((upstream) => {
      const ejected = new Set(upstream.ejectedIds);
      return upstream.instances.map((i) => ({
        id: i.id, service: i.service, address: i.address, port: i.port, transport: i.transport, version: i.serviceVersion ?? null,
        drained: this.drained.has(i.id), ejected: ejected.has(i.id),
      }));
    });
  }

  /** Each configuration source, the version in force and the last rejected one. */
  configStatus(): ConfigSourceStatus[] {
    return this.live.status();
  }

  /** Stops accepting and waits (up to `drainTimeoutMs`) for in-flight requests. */
  async drain(): Promise<{ readonly drained: boolean; readonly cut: number }> {
    this.draining = true;
    const result = await this.server.drain();
    this.options.logger.info({ ...result }, 'gateway: drained');
    return result;
  }

  /** Releases what the gateway owns: its watches, upstream pools and NATS connection (not the discovery source). */
  async close(): Promise<void> {
    this.sources.stop();
    this.tls?.stop();
    this.upstreamTls.stop();
    this.catalog.stop();
    await Promise.all([this.pools.close(), this.security.close()]);
    if (this.nats && !this.nats.isClosed()) await this.nats.close();
  }
}
