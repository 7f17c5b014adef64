import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState, GuardListeners } from '@meshway/resilience';

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

  /** A failed attempt sent again. */
  retried(): void {
    this.metrics.resilience.retries.inc(this.labels);
  }

  /** A retry the budget refused. */
  budgetExhausted(): void {
    this.metrics.resilience.budgetExhausted.inc(this.labels);
  }

  /** The deadline passed before a response started (504). */
  deadlineExceeded(): void {
    this.metrics.resilience.deadlineExceeded.inc(this.labels);
  }

  /** The bulkhead refused the request (503). */
  bulkheadFull(): void {
    this.metrics.resilience.bulkheadRejections.inc(this.labels);
  }

  /** Auth refused the request (401/403); `reason` is `@meshway/auth`'s stable reason (`expired`, `insufficient_scope`…). */
  authRefused(reason: string): void {
    this.metrics.edge.authRefusals.inc({ ...this.labels, reason });
  }

  /** The route's rate limit refused the request (429, or 503 when failing closed). */
  rateLimited(): void {
    this.metrics.edge.rateLimited.inc(this.labels);
  }

  /** The rate limit was decided without its store (Redis unreachable): let through (open) or refused (closed). */
  rateLimitDegraded(): void {
    this.metrics.edge.rateLimitDegraded.inc(this.labels);
  }

  private get labels(): { route: string; service: string } {
    return (this.cachedLabels ??= { route: this.route, service: this.service });
  }

  private cachedLabels: { route: string; service: string } | undefined;

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
  /** What edge security did: auth refusals and rate limiting, per route; the rate-limit store's health. */
  readonly edge: {
    readonly authRefusals: Counter<'route' | 'service' | 'reason'>;
    readonly rateLimited: Counter<'route' | 'service'>;
    readonly rateLimitDegraded: Counter<'route' | 'service'>;
    readonly storeUp: Gauge;
    readonly storeOutages: Counter;
  };
  /** What resilience did, per route and per instance. */
  readonly resilience: {
    readonly retries: Counter<'route' | 'service'>;
    readonly budgetExhausted: Counter<'route' | 'service'>;
    readonly deadlineExceeded: Counter<'route' | 'service'>;
    readonly bulkheadRejections: Counter<'route' | 'service'>;
    readonly ejections: Counter<'service' | 'instance'>;
    readonly breakerState: Gauge<'service' | 'instance'>;
    readonly breakerTransitions: Counter<'service' | 'instance' | 'to'>;
  };

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
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> => new Counter({ name, help, labelNames, registers });
    this.resilience = {
      retries: counter('meshway_gateway_retries_total', 'Failed attempts sent again, by route.', ['route', 'service']),
      budgetExhausted: counter('meshway_gateway_retry_budget_exhausted_total', 'Retries refused because the upstream\'s retry budget was spent.', ['route', 'service']),
      deadlineExceeded: counter('meshway_gateway_deadline_exceeded_total', 'Requests whose deadline passed before a response started (504).', ['route', 'service']),
      bulkheadRejections: counter('meshway_gateway_bulkhead_rejections_total', 'Requests refused because the upstream\'s bulkhead was full (503).', ['route', 'service']),
      ejections: counter('meshway_gateway_ejections_total', 'Instances ejected by outlier detection.', ['service', 'instance']),
      breakerState: new Gauge({ name: 'meshway_gateway_breaker_state', help: 'Circuit breaker per instance: 0 closed, 1 half-open, 2 open.', labelNames: ['service', 'instance'], registers }),
      breakerTransitions: counter('meshway_gateway_breaker_transitions_total', 'Circuit breaker state changes per instance.', ['service', 'instance', 'to']),
    };
    this.edge = {
      authRefusals: counter('meshway_gateway_auth_refusals_total', 'Requests refused by authentication (401) or authorization (403), by route and reason.', ['route', 'service', 'reason']),
      rateLimited: counter('meshway_gateway_rate_limited_total', 'Requests refused by the route\'s rate limit (429, or 503 when the store is down and failing closed).', ['route', 'service']),
      rateLimitDegraded: counter('meshway_gateway_rate_limit_degraded_total', 'Rate-limit decisions made without the store (Redis unreachable or too slow), by the configured fail mode.', ['route', 'service']),
      storeUp: new Gauge({ name: 'meshway_gateway_rate_limit_store_up', help: 'Whether the rate-limit store answers: 1 up, 0 down (always 1 for the memory store).', registers }),
      storeOutages: new Counter({ name: 'meshway_gateway_rate_limit_store_outages_total', help: 'Times the rate-limit store (Redis) went down.', registers }),
    };
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

  /** Listeners that count (and log) what a service's breakers and outlier detection do. */
  guardListeners(service: string, logger: { warn(fields: object, message: string): void; info(fields: object, message: string): void }): GuardListeners {
    const code: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
    return {
      onBreakerChange: (instance, from, to) => {
        this.resilience.breakerState.set({ service, instance }, code[to]);
        this.resilience.breakerTransitions.inc({ service, instance, to });
        if (to === 'open') logger.warn({ service, instance, from, to }, `gateway: circuit breaker of ${instance} opened`);
        else logger.info({ service, instance, from, to }, `gateway: circuit breaker of ${instance} ${to}`);
      },
      onEjection: (event) => {
        if (event.type === 'ejected') {
          this.resilience.ejections.inc({ service, instance: event.instanceId });
          logger.warn({ service, instance: event.instanceId, ejectedForMs: event.forMs, times: event.times, reason: event.reason }, `gateway: ejected ${event.instanceId} for ${event.forMs} ms`);
        } else {
          logger.info({ service, instance: event.instanceId }, `gateway: ${event.instanceId} is back from ejection`);
        }
      },
    };
  }

  /** The rate-limit store went down (false) or is up (true). */
  rateLimitStoreState(up: boolean): void {
    this.edge.storeUp.set(up ? 1 : 0);
    if (!up) this.edge.storeOutages.inc();
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
