import { errorMessage } from '@meshway/errors';
import type { Clock } from '@meshway/clock';
import type { RateLimitLogger, RateLimitStoreName, StoreStateEvent } from './rate-limit.store.js';

/** Where a store says it is down or back, and what it passes along. */
export interface OutageReporting {
  readonly store: RateLimitStoreName;
  /** Fields added to both log lines (the redacted URL, the fail mode). */
  readonly fields: Record<string, unknown>;
  readonly clock: Clock;
  readonly logger: RateLimitLogger;
  readonly onStateChange: ((event: StoreStateEvent) => void) | undefined;
}

/**
 * Up/down state of a shared store, so an outage is logged once ("down", then "back"), not once per request.
 * Only a call started after the last transition may cause the next one (calls carry the `epoch` they began in):
 * a reply that was already on its way when Redis failed does not announce it back, nor does a stale timeout
 * announce it down again right after it returned.
 */
export class OutageTracker {
  failures = 0;
  timeouts = 0;
  outages = 0;
  degraded = 0;
  private epoch = 0;
  private downSince: number | undefined;
  private degradedInOutage = 0;

  constructor(private readonly reporting: OutageReporting) {}

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** To pass back to `failed`/`succeeded` when the call ends. */
  begin(): number {
    return this.epoch;
  }

  failed(epoch: number, error: unknown, timedOut: boolean): void {
    this.failures += 1;
    this.degraded += 1;
    if (timedOut) this.timeouts += 1;
    if (this.downSince !== undefined) this.degradedInOutage += 1;
    if (this.downSince !== undefined || epoch !== this.epoch) return;
    this.epoch += 1;
    this.outages += 1;
    this.downSince = this.reporting.clock.monotonic();
    this.degradedInOutage = 1;
    const reason = errorMessage(error);
    this.reporting.logger.warn({ ...this.reporting.fields, error: reason }, 'rate-limit store down: deciding by failMode until it answers again');
    this.tell({ state: 'down', store: this.reporting.store, error: reason });
  }

  succeeded(epoch: number): void {
    if (this.downSince === undefined || epoch !== this.epoch) return;
    const downMs = Math.round(this.reporting.clock.monotonic() - this.downSince);
    const degraded = this.degradedInOutage;
    this.epoch += 1;
    this.downSince = undefined;
    this.reporting.logger.info({ ...this.reporting.fields, downMs, degraded }, 'rate-limit store back');
    this.tell({ state: 'up', store: this.reporting.store, downMs, degraded });
  }

  private tell(event: StoreStateEvent): void {
    try {
      this.reporting.onStateChange?.(event);
    } catch {
      // A listener's bug must not turn into a failed request.
    }
  }
}
