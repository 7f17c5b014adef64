import type { Clock } from '@meshway/clock';
import type { AttemptOutcome } from './outcome.js';
import { SlidingCounter } from './sliding.counter.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Trip on N failures in a row (`consecutiveFailures`), or on a failure ratio over a window (`failureRatio` with `windowMs`, `minRequests`). */
export interface BreakerOptions {
  /** Consecutive-failure mode: this many failures in a row open the breaker. Default 5 (when `failureRatio` is not given). */
  readonly consecutiveFailures?: number;
  /** Ratio mode: the failure ratio (0–1) over `windowMs` that opens it, once `minRequests` were seen in the window. */
  readonly failureRatio?: number;
  readonly windowMs?: number;
  readonly minRequests?: number;
  /** How long it stays open before letting probes through, ms; doubles on each failed probe up to `maxOpenMs`. Default 5,000. */
  readonly openMs?: number;
  readonly maxOpenMs?: number;
  /** Concurrent probe requests while half-open. Default 1. */
  readonly halfOpenProbes?: number;
}

export const BREAKER_DEFAULTS = { consecutiveFailures: 5, windowMs: 10_000, minRequests: 20, openMs: 5_000, maxOpenMs: 60_000, halfOpenProbes: 1 } as const;

export type BreakerListener = (from: BreakerState, to: BreakerState) => void;

/**
 * One instance's circuit breaker (cockatiel's ConsecutiveBreaker and SamplingBreaker as one synchronous state machine):
 * closed → open when it trips, open → half-open after `openMs`, half-open → closed on a successful probe or back to
 * open (for twice as long) on a failed one. `tryAcquire` is a few comparisons; nothing is allocated per call.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private openUntil = 0;
  private openFor: number;
  private probes = 0;
  private readonly window: SlidingCounter | undefined;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    private readonly onChange: BreakerListener = () => undefined,
  ) {
    this.openFor = options.openMs ?? BREAKER_DEFAULTS.openMs;
    this.window = options.failureRatio === undefined ? undefined : new SlidingCounter(options.windowMs ?? BREAKER_DEFAULTS.windowMs, clock);
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.clock.monotonic() >= this.openUntil) this.move('half-open');
    return this.current;
  }

  /** Whether a request may go now, without taking a probe slot (for filtering candidates). */
  admits(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && this.probes < (this.options.halfOpenProbes ?? BREAKER_DEFAULTS.halfOpenProbes));
  }

  /** Takes the right to send one request: always while closed, a probe slot while half-open, never while open. */
  tryAcquire(): boolean {
    if (!this.admits()) return false;
    if (this.current === 'half-open') this.probes++;
    return true;
  }

  report(outcome: AttemptOutcome): void {
    if (outcome.ok) this.onSuccess();
    else this.onFailure();
  }

  onSuccess(): void {
    if (this.current === 'half-open') {
      this.probes = Math.max(0, this.probes - 1);
      this.openFor = this.options.openMs ?? BREAKER_DEFAULTS.openMs;
      this.move('closed');
      return;
    }
    this.consecutive = 0;
    this.window?.add(1, 0);
  }

  onFailure(): void {
    if (this.current === 'half-open') {
      this.probes = Math.max(0, this.probes - 1);
      this.openFor = Math.min(this.openFor * 2, this.options.maxOpenMs ?? BREAKER_DEFAULTS.maxOpenMs);
      this.open();
      return;
    }
    if (this.current === 'open') return;
    this.consecutive++;
    this.window?.add(0, 1);
    if (this.tripped()) this.open();
  }

  private tripped(): boolean {
    if (!this.window) return this.consecutive >= (this.options.consecutiveFailures ?? BREAKER_DEFAULTS.consecutiveFailures);
    const [ok, failed] = this.window.totals();
    const total = ok + failed;
    return total >= (this.options.minRequests ?? BREAKER_DEFAULTS.minRequests) && failed / total >= (this.options.failureRatio ?? 1);
  }

  private open(): void {
    this.openUntil = this.clock.monotonic() + this.openFor;
    this.consecutive = 0;
    this.move('open');
  }

  private move(to: BreakerState): void {
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.onChange(from, to);
  }
}
