import { systemClock, type Clock } from '@meshway/clock';
import { invalidOption } from './rate-limit.errors.js';
import { silentLogger, type RateLimitLogger, type StoreStateEvent } from './rate-limit.store.js';

/** What a shared store does while it cannot be asked: let requests through (`open`) or refuse them (`closed`, 503). */
export const FAIL_MODES = ['open', 'closed'] as const;
export type FailMode = (typeof FAIL_MODES)[number];

/** Every default, in one place. */
export const RATE_LIMIT_DEFAULTS = {
  /** Memory store: windows kept at most; past it, expired windows go first, then the oldest. */
  maxKeys: 100_000,
  /** Redis store: used when neither `url` nor env `REDIS_URL` is given. */
  redisUrl: 'redis://127.0.0.1:6379',
  failMode: 'open',
  /** Redis store: the longest one decision may wait for Redis, in ms. */
  timeoutMs: 100,
  /** Redis store: the longest one (re)connection attempt may take, in ms. */
  connectTimeoutMs: 1_000,
} as const satisfies Record<string, unknown>;

/** Options of the memory store; every field has a default. */
export interface MemoryStoreOptions {
  /** Time source (windows are measured on `monotonic()`); tests pass a `FakeClock`. */
  readonly clock?: Clock;
  /** Windows kept at most (default 100,000), so a flood of distinct keys cannot grow memory without bound. */
  readonly maxKeys?: number;
}

/** Options of the Redis store; every field has a default. */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`; default env `REDIS_URL`, else redis://127.0.0.1:6379. */
  readonly url?: string;
  /** While Redis cannot be asked: `open` (default) lets requests through marked `degraded`; `closed` refuses them (503). */
  readonly failMode?: FailMode;
  /** The longest one decision waits for Redis, in ms (default 100; 1–10,000). A hung Redis costs each request at most this. */
  readonly timeoutMs?: number;
  /** The longest one (re)connection attempt takes, in ms (default 1,000; 1–60,000). */
  readonly connectTimeoutMs?: number;
  /** Runs the per-call timeout (tests may pass a `FakeClock`). */
  readonly clock?: Clock;
  /** Gets one `warn` when Redis goes down and one `info` when it is back (default: silent). */
  readonly logger?: RateLimitLogger;
  /** Told once per transition (down, up), e.g. to set a gauge. Exceptions it throws are ignored. */
  readonly onStateChange?: (event: StoreStateEvent) => void;
}

export interface ResolvedMemoryStoreOptions {
  readonly clock: Clock;
  readonly maxKeys: number;
}

export interface ResolvedRedisStoreOptions {
  readonly url: string;
  readonly failMode: FailMode;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: RateLimitLogger;
  readonly onStateChange: ((event: StoreStateEvent) => void) | undefined;
}

const MEMORY_KEYS = ['clock', 'maxKeys'] as const;
const REDIS_KEYS = ['url', 'failMode', 'timeoutMs', 'connectTimeoutMs', 'clock', 'logger', 'onStateChange'] as const;

/** A plain options object whose keys are all `known`: a typo in config must not pass silently. */
function optionsObject<K extends string>(given: unknown, path: string, known: readonly K[]): Partial<Record<K, unknown>> {
  if (given === undefined) return {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw invalidOption(path, given, `an object with ${known.join(', ')}`);
  for (const key of Object.keys(given)) {
    if (!(known as readonly string[]).includes(key)) throw invalidOption(`${path}.${key}`, (given as Record<string, unknown>)[key], `no such option; known: ${known.join(', ')}`);
  }
  return given;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidOption(path, value, `an integer from ${min} to ${max}`);
  return value;
}

function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false;
  const clock = value as Record<string, unknown>;
  return typeof clock.monotonic === 'function' && typeof clock.setTimeout === 'function' && typeof clock.clearTimeout === 'function';
}

function clockOption(value: unknown, path: string): Clock {
  if (value === undefined) return systemClock;
  if (!isClock(value)) throw invalidOption(path, value, 'a Clock from @meshway/clock');
  return value;
}

/** `redis://user:secret@host` → `redis://user:***@host`: URLs reach logs and error messages, passwords must not. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

function redisUrl(value: unknown, path: string): string {
  const url = typeof value === 'string' ? value : undefined;
  let ok: boolean;
  try {
    ok = url !== undefined && ['redis:', 'rediss:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok || url === undefined) throw invalidOption(path, typeof value === 'string' ? redactUrl(value) : value, 'a URL like redis://host:6379 or rediss://user:password@host:6380/0');
  return url;
}

/** Fills defaults and validates; throws MESHWAY_RATE_LIMIT_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveMemoryStoreOptions(given?: MemoryStoreOptions, path = 'memory'): ResolvedMemoryStoreOptions {
  const o = optionsObject(given, path, MEMORY_KEYS);
  return {
    clock: clockOption(o.clock, `${path}.clock`),
    maxKeys: integer(o.maxKeys ?? RATE_LIMIT_DEFAULTS.maxKeys, `${path}.maxKeys`, 1, 100_000_000),
  };
}

/** Fills defaults (the URL from env `REDIS_URL`) and validates, naming the option, the value and what is allowed. */
export function resolveRedisStoreOptions(given?: RedisStoreOptions, path = 'redis', env: NodeJS.ProcessEnv = process.env): ResolvedRedisStoreOptions {
  const o = optionsObject(given, path, REDIS_KEYS);
  const failMode = o.failMode ?? RATE_LIMIT_DEFAULTS.failMode;
  if (!(FAIL_MODES as readonly unknown[]).includes(failMode)) throw invalidOption(`${path}.failMode`, failMode, '"open" | "closed"');
  const logger = (o.logger ?? silentLogger) as Partial<RateLimitLogger>;
  if (typeof logger.warn !== 'function' || typeof logger.info !== 'function') throw invalidOption(`${path}.logger`, o.logger, 'an object with warn(obj, msg) and info(obj, msg), e.g. a pino logger');
  if (o.onStateChange !== undefined && typeof o.onStateChange !== 'function') throw invalidOption(`${path}.onStateChange`, o.onStateChange, 'a function');
  return {
    url: redisUrl(o.url ?? (env.REDIS_URL || RATE_LIMIT_DEFAULTS.redisUrl), `${path}.url`),
    failMode: failMode as FailMode,
    timeoutMs: integer(o.timeoutMs ?? RATE_LIMIT_DEFAULTS.timeoutMs, `${path}.timeoutMs`, 1, 10_000),
    connectTimeoutMs: integer(o.connectTimeoutMs ?? RATE_LIMIT_DEFAULTS.connectTimeoutMs, `${path}.connectTimeoutMs`, 1, 60_000),
    clock: clockOption(o.clock, `${path}.clock`),
    logger: logger as RateLimitLogger,
    onStateChange: o.onStateChange as ((event: StoreStateEvent) => void) | undefined,
  };
}
