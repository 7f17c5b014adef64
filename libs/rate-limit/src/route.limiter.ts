import { invalidOption } from './rate-limit.errors.js';
import { keyId, keyStem } from './rate-limit.key.js';
import { parseRateLimitRule, type RateLimitRule } from './rate-limit.rule.js';
import type { DecisionOrPromise, RateLimitStore } from './rate-limit.store.js';

/** Who a request comes from, as far as the caller knows. */
export interface RateLimitSubject {
  /** The authenticated consumer's id; undefined or empty for anonymous requests. */
  readonly consumer?: string | undefined;
  /** The client IP (from `clientIp()`); undefined when unknown. */
  readonly ip?: string | undefined;
}

/** Stands in for a missing IP: such requests share one bucket rather than escape the limit. */
const UNKNOWN = 'unknown';

/**
 * One route's limit on one store, made when the route table is built: the rule is checked and the key's stem
 * (`meshway:rl:<route>:<by>:`) built once, so a request costs one id check and one concatenation before the store.
 * `by: consumer` counts anonymous requests by IP, under `…:ip:<ip>` (a consumer named like an IP never shares its bucket).
 */
export class RouteRateLimiter<R extends DecisionOrPromise = DecisionOrPromise> {
  readonly rule: RateLimitRule;
  private readonly stem: string;
  private readonly ipStem: string;

  constructor(
    readonly store: RateLimitStore<R>,
    readonly route: string,
    rule: RateLimitRule,
  ) {
    if (typeof route !== 'string' || route === '') throw invalidOption('route', route, 'a non-empty route name');
    this.rule = parseRateLimitRule(rule);
    this.stem = keyStem(route, this.rule.by);
    this.ipStem = keyStem(route, 'ip');
  }

  /** The store key this request counts against. */
  key(subject: RateLimitSubject): string {
    switch (this.rule.by) {
      case 'route':
        return `${this.stem}*`;
      case 'ip':
        return this.stem + keyId(subject.ip ?? UNKNOWN);
      case 'consumer':
        return subject.consumer ? this.stem + keyId(subject.consumer) : this.ipStem + keyId(subject.ip ?? UNKNOWN);
    }
  }

  /** Counts the request and decides: synchronously on the memory store, a promise on Redis. */
  consume(subject: RateLimitSubject): R {
    return this.store.consume(this.key(subject), this.rule);
  }
}
