import type { AuthMode } from '@meshway/auth';
import type { BalancerName } from '@meshway/balancing';
import type { HttpMethod, Transport } from '@meshway/discovery';
import type { RateLimitRule } from '@meshway/rate-limit';
import type { ResilienceConfig } from '@meshway/resilience';
import type { ConfigSourceName } from '../live-config/config.source.js';
import type { CorsSettings } from './cors.policy.js';
import type { HashOn } from './hash-key.js';

/** Where a route came from: configured (KV, file, inline — in that precedence) routes win over announced ones on the same method, host and path. */
export type RouteSource = ConfigSourceName | 'announced';

/** Per-route settings a route may leave out; the gateway's defaults fill them in. */
export interface RouteDefaults {
  readonly balancer: BalancerName;
  /** Time allowed for the upstream's response headers, ms. */
  readonly timeoutMs: number;
  /** Largest request body accepted, bytes. */
  readonly bodyLimitBytes: number;
  /** Retries, budget, breaker, bulkhead and outlier ejection (see `@meshway/resilience`); a route's fields replace these per policy. */
  readonly resilience: ResilienceConfig;
  /** Who may call: `none` (anyone), `jwt`, `apiKey` or `any` (either), checked against the configuration's `auth` block. */
  readonly auth: AuthMode;
  /** Scopes a caller must all hold (needs an `auth` other than `none`). */
  readonly scopes: readonly string[];
  /** At most `points` requests per `durationSec`, counted by consumer, client IP or for the whole route; undefined: no limit. */
  readonly rateLimit: RateLimitRule | undefined;
}

/** What a configuration may set for a route, a block of defaults, or the routes one service announces. */
export type RouteSettings = Partial<RouteDefaults>;

/** One route, fully specified: how a request is matched and where it goes. */
export interface RouteSpec extends RouteDefaults {
  readonly source: RouteSource;
  /** The route's name in configuration (admin API and CLI address routes by it); announced routes have none. */
  readonly name: string | undefined;
  /** Public path: literal segments, `:name` parameters and a final `*` (zero or more segments). */
  readonly path: string;
  /** Accepted methods; empty means any. */
  readonly methods: readonly HttpMethod[];
  /** Host name (without port) this route is limited to; undefined means any host. */
  readonly host: string | undefined;
  /** Upstream service name in discovery. */
  readonly service: string;
  readonly transport: Transport;
  /** NATS subject (message pattern) for `nats` routes. */
  readonly subject: string | undefined;
  /** Prefix removed from the path before forwarding, e.g. `/api`. */
  readonly stripPrefix: string | undefined;
  /** What a `consistent-hash` route hashes on (default: the client IP). */
  readonly hashOn: HashOn | undefined;
  /** Semver range of the instances this route reaches (e.g. `^2` for `/v2/...`); undefined: any (or the release's split). */
  readonly version: string | undefined;
  /** CORS for browsers on other origins (preflights answered by the gateway); undefined: no CORS headers. */
  readonly cors: CorsSettings | undefined;
  /** Request header whose value (a version or range, e.g. `accept-version: 2`) picks the instances instead. */
  readonly versionHeader: string | undefined;
}

/** `base` with what `settings` sets laid over it; resilience piece by piece (a route's `retries` keeps the defaults' `breaker`). */
export function applySettings(base: RouteDefaults, settings: RouteSettings | undefined): RouteDefaults {
  if (settings === undefined) return base;
  const resilience = settings.resilience === undefined ? base.resilience : { ...base.resilience, ...settings.resilience };
  return {
    balancer: settings.balancer ?? base.balancer,
    timeoutMs: settings.timeoutMs ?? base.timeoutMs,
    bodyLimitBytes: settings.bodyLimitBytes ?? base.bodyLimitBytes,
    resilience,
    auth: settings.auth ?? base.auth,
    scopes: settings.scopes ?? base.scopes,
    rateLimit: settings.rateLimit ?? base.rateLimit,
  };
}

/** Identity of a route for conflicts and metrics: `GET,POST host/path` or `* /path`. */
export function routeKey(spec: Pick<RouteSpec, 'methods' | 'host' | 'path'>): string {
  return `${spec.methods.length === 0 ? '*' : spec.methods.join(',')} ${spec.host ?? ''}${spec.path}`;
}
