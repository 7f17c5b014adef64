import type { Clock } from '@meshway/clock';
import type { Identified } from './identified.js';
import type { AttemptOutcome } from './failure-kind.js';
import { resolveOutlierOptions, type OutlierOptions, type ResolvedOutlierOptions } from './outlier.options.js';

/** Why an instance was ejected: stable strings, fit for a metric label. */
export type EjectionReason = 'consecutive-connect-failures' | 'consecutive-gateway-failures' | 'consecutive-5xx';

export type EjectionEvent =
  | { readonly type: 'ejected'; readonly instanceId: string; readonly reason: EjectionReason; readonly forMs: number; readonly times: number }
  | { readonly type: 'returned'; readonly instanceId: string };

export type EjectionListener = (event: EjectionEvent) => void;

/** Kept only for instances that failed at least once: a healthy upstream costs nothing here. */
interface Health {
  fivexx: number;
  gateway: number;
  connect: number;
  /** Ejections so far (the multiplier of the next one); forgotten after a quiet `maxEjectionMs` back in. */
  times: number;
  /** Monotonic ms it is ejected until; 0 when it is not. */
  until: number;
  /** When it last came back. */
  returnedAt: number;
}

/**
 * Passive outlier detection for one upstream service (Envoy's): every attempt's outcome is reported; an instance that
 * fails often enough in a row sits out picks for `baseEjectionMs` × times ejected (≤ `maxEjectionMs`) and comes back
 * by itself. At most `maxEjectionPercent` of the instances are out, and never the last one in — with all of them
 * failing, all stay in. The instance count is the last list given to `retain()` (or the largest `filter()` has seen).
 *
 * `report` and `filter` are synchronous and O(1) while nothing is ejected; `filter` keeps the array it was given when it
 * excludes nothing.
 */
export class OutlierDetector {
  readonly options: ResolvedOutlierOptions;
  private readonly health = new Map<string, Health>();
  private ejected = 0;
  /** The earliest time an ejected instance returns (Infinity: none is out). */
  private nextReturn = Number.POSITIVE_INFINITY;
  private total = 0;
  private retained = false;

  constructor(
    options: OutlierOptions,
    private readonly clock: Clock,
    private readonly listener?: EjectionListener,
  ) {
    this.options = resolveOutlierOptions(options);
  }

  /** One attempt's outcome on `instanceId`; `status` for `'status'` outcomes (one below 500 counts as an answer). */
  report(instanceId: string, outcome: AttemptOutcome, status?: number): void {
    let health = this.health.get(instanceId);
    if (outcome === 'success' || (outcome === 'status' && status !== undefined && status < 500)) {
      if (health !== undefined) health.fivexx = health.gateway = health.connect = 0;
      return;
    }
    if (health === undefined) {
      health = { fivexx: 0, gateway: 0, connect: 0, times: 0, until: 0, returnedAt: 0 };
      this.health.set(instanceId, health);
    }
    if (outcome === 'status') {
      health.fivexx++;
      health.gateway = health.connect = 0; // it answered: the connection works
    } else {
      health.gateway++;
      health.connect = outcome === 'connect' ? health.connect + 1 : 0;
    }
    const { consecutive5xx, consecutiveGatewayFailures, consecutiveConnectFailures } = this.options;
    if (health.connect >= consecutiveConnectFailures) this.eject(instanceId, health, 'consecutive-connect-failures');
    else if (health.gateway >= consecutiveGatewayFailures) this.eject(instanceId, health, 'consecutive-gateway-failures');
    else if (health.fivexx >= consecutive5xx) this.eject(instanceId, health, 'consecutive-5xx');
  }

  /** `instances` without the ejected ones; the same array when none of them is; all of them when all would be out. */
  filter<I extends Identified>(instances: readonly I[]): readonly I[] {
    if (!this.retained && instances.length > this.total) this.total = instances.length;
    if (this.refresh() === 0) return instances;
    let out = 0;
    for (const instance of instances) if (this.isOut(instance.id)) out++;
    if (out === 0 || out === instances.length) return instances;
    return instances.filter((instance) => !this.isOut(instance.id));
  }

  isEjected(instanceId: string): boolean {
    this.refresh();
    return this.isOut(instanceId);
  }

  ejectedIds(): string[] {
    if (this.refresh() === 0) return [];
    return [...this.health].filter(([, health]) => health.until > 0).map(([id]) => id);
  }

  /** The instances now: forgets those that left, and counts these for `maxEjectionPercent`. */
  retain(instances: readonly Identified[]): void {
    this.total = instances.length;
    this.retained = true;
    const present = new Set(instances.map((instance) => instance.id));
    for (const id of this.health.keys()) if (!present.has(id)) this.health.delete(id);
    this.nextReturn = Number.NEGATIVE_INFINITY; // recount on the next look
  }

  private isOut(instanceId: string): boolean {
    return (this.health.get(instanceId)?.until ?? 0) > 0;
  }

  private eject(instanceId: string, health: Health, reason: EjectionReason): void {
    health.fivexx = health.gateway = health.connect = 0;
    this.refresh();
    if (health.until > 0) return; // already out: a late report from a request sent before
    const total = Math.max(this.total, this.health.size);
    const after = this.ejected + 1;
    if (after >= total || after * 100 > total * this.options.maxEjectionPercent) return;
    const now = this.clock.monotonic();
    if (health.returnedAt > 0 && now - health.returnedAt > this.options.maxEjectionMs) health.times = 0;
    health.times++;
    const forMs = Math.min(this.options.baseEjectionMs * health.times, this.options.maxEjectionMs);
    health.until = now + forMs;
    this.ejected = after;
    this.nextReturn = Math.min(this.nextReturn, health.until);
    this.listener?.({ type: 'ejected', instanceId, reason, forMs, times: health.times });
  }

  /** Lets back the instances whose time is up (O(instances), only when one is due); returns how many are still out. */
  private refresh(): number {
    if (this.nextReturn === Number.POSITIVE_INFINITY) return this.ejected; // none out: no need to read the clock
    const now = this.clock.monotonic();
    if (now < this.nextReturn) return this.ejected;
    let ejected = 0;
    let next = Number.POSITIVE_INFINITY;
    for (const [id, health] of this.health) {
      if (health.until === 0) continue;
      if (health.until <= now) {
        health.returnedAt = health.until;
        health.until = 0;
        this.listener?.({ type: 'returned', instanceId: id });
      } else {
        ejected++;
        next = Math.min(next, health.until);
      }
    }
    this.ejected = ejected;
    this.nextReturn = next;
    return ejected;
  }
}
