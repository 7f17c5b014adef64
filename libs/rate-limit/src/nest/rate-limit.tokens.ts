/** Injection tokens and metadata keys of `@meshway/rate-limit/nest`, all in one place. */

/** The module options as given to `forRoot` / returned by `forRootAsync`'s factory. */
export const RATE_LIMIT_MODULE_OPTIONS = Symbol.for('meshway.rate-limit.module-options');
/** The same options, validated and with defaults. */
export const RESOLVED_RATE_LIMIT_OPTIONS = Symbol.for('meshway.rate-limit.resolved-options');
/** The module's `RateLimitStore`: `@Inject(RATE_LIMIT_STORE) store: RateLimitStore` (e.g. for `new RouteRateLimiter(store, …)`). */
export const RATE_LIMIT_STORE = Symbol.for('meshway.rate-limit.store');
/** Metadata key under which `@RateLimit()` keeps its rule. */
export const RATE_LIMIT_RULE = 'meshway:rate-limit:rule';
