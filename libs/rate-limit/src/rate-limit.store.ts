import type { RateLimitDecision } from './rate-limit.decision.js';
import type { WindowLimit } from './rate-limit.rule.js';

export const RATE_LIMIT_STORE_NAMES = ['memory', 'redis'] as const;
export type RateLimitStoreName = (typeof RATE_LIMIT_STORE_NAMES)[number];

/** What a store's `consume` returns: a decision now (memory), or a promise of one (Redis). */
export type DecisionOrPromise = RateLimitDecision | Promise<RateLimitDecision>;

/**
 * Where windows are counted. `consume` counts one request against `key`'s current window and decides. The memory
 * store answers synchronously (the gateway's hot path stays in one tick); only a shared store (Redis) is async, which
 * the type parameter carries: `MemoryRateLimitStore` is a `RateLimitStore<RateLimitDecision>`.
 */
export interface RateLimitStore<R extends DecisionOrPromise = DecisionOrPromise> {
  readonly name: RateLimitStoreName;
  consume(key: string, limit: WindowLimit): R;
  /** Counters since the store was made (cheap: read them on every metrics scrape). */
  stats(): RateLimitStats;
  /** Lets go of connections and timers; the store answers nothing afterwards. */
  close(): Promise<void>;
}

/** A store's counters. The memory store never fails, so its `degraded`, `failures`, `timeouts` and `outages` stay 0. */
export interface RateLimitStats {
  /** Requests let through, degraded ones included. */
  readonly allowed: number;
  /** Requests refused: budget spent, or (degraded, `failMode: closed`) the store unreachable. */
  readonly denied: number;
  /** Decisions made without the store, by `failMode`. */
  readonly degraded: number;
  /** Store calls that failed (errors and timeouts). */
  readonly failures: number;
  /** Store calls cut by `timeoutMs`. */
  readonly timeouts: number;
  /** Times the store went down (one per outage, however many requests it touched). */
  readonly outages: number;
  /** True from a failure until a call started after it succeeds. */
  readonly down: boolean;
}

/** The two log levels a store needs, in pino's argument order (`obj`, `msg`), so a pino logger fits as is. */
export interface RateLimitLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

/** The default: a store stays quiet unless given a logger. */
export const silentLogger: RateLimitLogger = {
  warn: () => undefined,
  info: () => undefined,
};

/** A shared store went down or came back (once per transition), for gauges and alerts. */
export type StoreStateEvent =
  | { readonly state: 'down'; readonly store: RateLimitStoreName; readonly error: string }
  | { readonly state: 'up'; readonly store: RateLimitStoreName; readonly downMs: number; readonly degraded: number };
