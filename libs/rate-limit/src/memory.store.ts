import type { Clock } from '@meshway/clock';
import { counted, type RateLimitDecision } from './rate-limit.decision.js';
import type { WindowLimit } from './rate-limit.rule.js';
import type { RateLimitStats, RateLimitStore } from './rate-limit.store.js';
import { resolveMemoryStoreOptions, type MemoryStoreOptions } from './store.options.js';

interface Window {
  count: number;
  /** Monotonic ms at which the window ends. */
  endsAt: number;
}

/** When full, evict down to this share of `maxKeys`, so eviction runs once per many new keys, not on each. */
const EVICT_TO = 0.9;

/**
 * Fixed windows in process memory, for one gateway. Same semantics as rate-limiter-flexible's `RateLimiterMemory` and
 * `RateLimiterRedis` (a key's window starts at its first request and lasts `durationSec`; every request counts, refused
 * ones too; allowed while the count is at most `points`), but synchronous: no promise and no timer per call, time from
 * the injected clock. Expired windows are dropped lazily; past `maxKeys` the expired go first, then the oldest.
 */
export class MemoryRateLimitStore implements RateLimitStore<RateLimitDecision> {
  readonly name = 'memory';
  private readonly clock: Clock;
  private readonly maxKeys: number;
  /** In order of window start (a reopened window moves to the end), so the first entries are the oldest. */
  private readonly windows = new Map<string, Window>();
  private allowed = 0;
  private denied = 0;

  constructor(options?: MemoryStoreOptions) {
    ({ clock: this.clock, maxKeys: this.maxKeys } = resolveMemoryStoreOptions(options));
  }

  consume(key: string, limit: WindowLimit): RateLimitDecision {
    const now = this.clock.monotonic();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) window = this.open(key, window, now + limit.durationSec * 1000, now);
    window.count += 1;
    const decision = counted(limit, window.count, window.endsAt - now);
    if (decision.allowed) this.allowed += 1;
    else this.denied += 1;
    return decision;
  }

  /** Windows held now (expired ones included until they are touched or evicted). */
  get size(): number {
    return this.windows.size;
  }

  stats(): RateLimitStats {
    return { allowed: this.allowed, denied: this.denied, degraded: 0, failures: 0, timeouts: 0, outages: 0, down: false };
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  private open(key: string, expired: Window | undefined, endsAt: number, now: number): Window {
    if (expired) this.windows.delete(key);
    else if (this.windows.size >= this.maxKeys) this.makeRoom(now);
    const window = expired ?? { count: 0, endsAt };
    window.count = 0;
    window.endsAt = endsAt;
    this.windows.set(key, window);
    return window;
  }

  private makeRoom(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    const target = Math.floor(this.maxKeys * EVICT_TO);
    for (const key of this.windows.keys()) {
      if (this.windows.size <= target) break;
      this.windows.delete(key); // still full of live windows: the oldest start afresh
    }
  }
}
