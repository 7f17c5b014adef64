import { Authenticator, type AuthConfig } from '@meshway/auth';
import type { Clock } from '@meshway/clock';
import { clientIp, createRateLimitStore, RouteRateLimiter, trustProxies, type RateLimitStore, type TrustedProxies } from '@meshway/rate-limit';
import type { GatewayLogger } from '../gateway.logger.js';
import type { GatewayMetrics } from '../metrics/gateway.metrics.js';
import type { RouteSpec } from '../routing/route.definition.js';
import type { RouteAdmission } from './route-admission.js';
import type { ResolvedEdgeSecurityOptions } from './edge-security.options.js';

/**
 * The gateway's edge security, shared by every route: the authenticator of the `auth` block in force (swapped whole when
 * the configuration changes), the rate-limit store (memory, or Redis shared by replicas) and the trusted proxies that
 * decide which client IP a request has. Routes bind to it when the table is built ({@link admission}).
 */
export class EdgeSecurity {
  readonly trusted: TrustedProxies;
  readonly store: RateLimitStore;
  private authenticator: Authenticator;

  constructor(
    private readonly options: ResolvedEdgeSecurityOptions & { readonly clock: Clock; readonly logger: GatewayLogger; readonly metrics: GatewayMetrics },
  ) {
    this.trusted = trustProxies(options.trustedProxies, 'trustedProxies');
    const { clock, logger, metrics } = options;
    this.store =
      options.rateLimit.store === 'redis'
        ? createRateLimitStore('redis', {
            ...(options.rateLimit.redisUrl === undefined ? {} : { url: options.rateLimit.redisUrl }),
            failMode: options.rateLimit.failMode,
            timeoutMs: options.rateLimit.timeoutMs,
            clock,
            logger: { warn: (obj, msg) => { logger.warn(obj, `gateway: ${msg}`); }, info: (obj, msg) => { logger.info(obj, `gateway: ${msg}`); } },
            onStateChange: (event) => {
              metrics.rateLimitStoreState(event.state === 'up');
            },
          })
        : createRateLimitStore('memory', { clock });
    metrics.rateLimitStoreState(true);
    this.authenticator = this.authenticatorFor(undefined);
  }

  /**
   * An authenticator for an `auth` block (none: nobody can be authenticated), not yet in force. A key file or secret that
   * cannot be loaded throws MESHWAY_AUTH_INVALID_CONFIG naming the field under `where`.
   */
  authenticatorFor(auth: AuthConfig | undefined, where = 'auth'): Authenticator {
    const { clock, logger, baseDir, env } = this.options;
    const authLogger = { warn: (obj: Record<string, unknown>, msg: string) => { logger.warn(obj, `gateway: ${msg}`); }, info: (obj: Record<string, unknown>, msg: string) => { logger.info(obj, `gateway: ${msg}`); } };
    return new Authenticator(auth, { clock, logger: authLogger, baseDir, env }, where);
  }

  /** Puts `authenticator` in force for routes bound from now on, fetches its JWKS, and lets the previous one go. */
  use(authenticator: Authenticator): void {
    if (authenticator === this.authenticator) return;
    const previous = this.authenticator;
    this.authenticator = authenticator;
    void authenticator.warmUp();
    previous.close();
  }

  /** The authenticator in force (routes bound to another one are rebuilt). */
  get current(): Authenticator {
    return this.authenticator;
  }

  /**
   * What `spec` asks of its requests, bound now: its authenticator (none for `auth: none`) and limiter (none without
   * `rateLimit`); undefined when it asks nothing. Throws MESHWAY_AUTH_INVALID_CONFIG when the auth in force cannot serve
   * the route (`jwt` without issuers…), naming the route.
   */
  admission(spec: RouteSpec, key: string): RouteAdmission | undefined {
    const { auth, scopes, rateLimit } = spec;
    if (auth === 'none' && scopes.length === 0 && rateLimit === undefined) return undefined;
    const authenticate = this.authenticator.forRoute({ mode: auth, scopes }, `route ${key}`);
    return {
      authenticate: auth === 'none' ? undefined : authenticate,
      apiKeyHeader: auth === 'apiKey' || auth === 'any' ? this.authenticator.apiKeyHeader : undefined,
      limiter: rateLimit === undefined ? undefined : new RouteRateLimiter(this.store, key, rateLimit),
    };
  }

  /** The client's IP: the peer, or what trusted proxies in front of the gateway say in `X-Forwarded-For`. */
  clientIp(remoteAddress: string | undefined, forwardedFor: string | undefined): string | undefined {
    return clientIp(remoteAddress, forwardedFor, this.trusted);
  }

  async close(): Promise<void> {
    this.authenticator.close();
    await this.store.close();
  }
}
