import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond resolution where a proxy lives, up to the default route timeout. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface StatusSeries {
  readonly count: { inc(): void };
  readonly latency: { observe(seconds: number): void };
}

/**
 * Counts and times the requests of one route. prom-client hashes the label set on every call, so the
 * per-status label objects are built once and kept here instead of on each request.
 */
export class RouteRecorder {
  private readonly byStatus = new Map<number, StatusSeries>();

  constructor(
    private readonly metrics: GatewayMetrics,
    readonly route: string,
    readonly service: string,
  ) {}

  record(status: number, seconds: number): void {
    let series = this.byStatus.get(status);
    if (!series) {
      series = this.metrics.series(this.route, this.service, status);
      this.byStatus.set(status, series);
    }
    series.count.inc();
    series.latency.observe(seconds);
  }
}

/** The gateway's Prometheus metrics, in a registry of its own (several gateways may share a process in tests). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'service' | 'status'>;
  private readonly duration: Histogram<'route' | 'service' | 'status'>;
  private readonly healthy: Gauge<'service'>;
  private readonly releaseWeight: Gauge<'service'>;
  private readonly rollbacks: Counter<'service'>;
  private readonly recorders = new Map<string, RouteRecorder>();

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'meshway_gateway_requests_total',
      help: 'Requests answered by the gateway, by route, upstream service and HTTP status.',
      labelNames: ['route', 'service', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'meshway_gateway_request_duration_seconds',
      help: 'Time from request received to response finished, by route, upstream service and HTTP status.',
      labelNames: ['route', 'service', 'status'],
      buckets: BUCKETS,
      registers,
    });
    this.healthy = new Gauge({
      name: 'meshway_gateway_upstream_healthy_instances',
      help: 'Healthy instances discovery reports per upstream service.',
      labelNames: ['service'],
      registers,
    });
    this.releaseWeight = new Gauge({
      name: 'meshway_gateway_release_canary_weight',
      help: 'Percent of traffic the canary of a service release gets (0 once rolled back).',
      labelNames: ['service'],
      registers,
    });
    this.rollbacks = new Counter({
      name: 'meshway_gateway_release_rollbacks_total',
      help: 'Canary releases the gateway rolled back because their guard tripped.',
      labelNames: ['service'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'meshway_gateway_' });
  }

  /** The recorder of a route (one per route and service, reused across route-table rebuilds). */
  recorder(route: string, service: string): RouteRecorder {
    const key = `${route}\u0000${service}`;
    let recorder = this.recorders.get(key);
    if (!recorder) {
      recorder = new RouteRecorder(this, route, service);
      this.recorders.set(key, recorder);
    }
    return recorder;
  }

  series(route: string, service: string, status: number): StatusSeries {
    const labels = { route, service, status: String(status) };
    return {
      count: { inc: () => { this.requests.inc(labels); } },
      latency: { observe: (seconds) => { this.duration.observe(labels, seconds); } },
    };
  }

  setHealthyInstances(service: string, count: number): void {
    this.healthy.set({ service }, count);
  }

  /** The canary weight of a service's release; undefined when the release is gone. */
  setReleaseWeight(service: string, weight: number | undefined): void {
    if (weight === undefined) this.releaseWeight.remove({ service });
    else this.releaseWeight.set({ service }, weight);
  }

  countRollback(service: string): void {
    this.rollbacks.inc({ service });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
