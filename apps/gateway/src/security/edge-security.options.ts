import { FAIL_MODES, isRateLimitStoreName, RATE_LIMIT_DEFAULTS, type FailMode } from '@meshway/rate-limit';

/** How the gateway counts rate limits (`startGateway({ rateLimit })`, env `GATEWAY_RATE_LIMIT_*` / `REDIS_URL`). */
export interface RateLimitOptions {
  /** `memory` (one gateway; default) or `redis` (replicas share their counts). */
  readonly store?: 'memory' | 'redis';
  /** Redis to count in (`redis://host:port`); default env `REDIS_URL`, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  /** While Redis cannot be asked: `open` (default) lets requests through, `closed` answers 503 MESHWAY_RATE_LIMIT_UNAVAILABLE. */
  readonly failMode?: FailMode;
  /** The longest one decision waits for Redis, ms (default 100). */
  readonly timeoutMs?: number;
}

/** Options of the gateway's edge security; every field has a default. */
export interface EdgeSecurityOptions {
  /**
   * Addresses of proxies in front of the gateway (CIDRs, addresses, `loopback`, `uniquelocal`…): only their
   * `X-Forwarded-For` is believed when deciding a client's IP (rate limits `by: ip`, hashing, release stickiness).
   * Default: none — the peer's address is the client's.
   */
  readonly trustedProxies?: readonly string[];
  readonly rateLimit?: RateLimitOptions;
}

export interface ResolvedEdgeSecurityOptions {
  readonly trustedProxies: readonly string[];
  readonly rateLimit: { readonly store: 'memory' | 'redis'; readonly redisUrl: string | undefined; readonly failMode: FailMode; readonly timeoutMs: number };
  /** What relative key files in `auth` are relative to: the routes file's folder. */
  readonly baseDir: string;
  /** Where `auth.jwt[].secretEnv` names are looked up. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Fills defaults and checks the choices; the stores and proxy list check the rest, naming the option. */
export function resolveEdgeSecurityOptions(
  given: EdgeSecurityOptions,
  context: { readonly baseDir: string; readonly env: Readonly<Record<string, string | undefined>> },
  invalid: (option: string, value: unknown, allowed: string) => Error,
): ResolvedEdgeSecurityOptions {
  const rateLimit = given.rateLimit ?? {};
  const store = rateLimit.store ?? 'memory';
  if (!isRateLimitStoreName(store)) throw invalid('rateLimit.store', store, '"memory" or "redis"');
  const failMode = rateLimit.failMode ?? RATE_LIMIT_DEFAULTS.failMode;
  if (!(FAIL_MODES as readonly string[]).includes(failMode)) throw invalid('rateLimit.failMode', failMode, FAIL_MODES.map((m) => `"${m}"`).join(' or '));
  const timeoutMs = rateLimit.timeoutMs ?? RATE_LIMIT_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 10_000) throw invalid('rateLimit.timeoutMs', timeoutMs, 'an integer from 1 to 10000');
  const trustedProxies = given.trustedProxies ?? [];
  if (!Array.isArray(trustedProxies)) throw invalid('trustedProxies', trustedProxies, 'a list of addresses, CIDRs or loopback/linklocal/uniquelocal');
  return { trustedProxies, rateLimit: { store, redisUrl: rateLimit.redisUrl, failMode, timeoutMs }, baseDir: context.baseDir, env: context.env };
}
