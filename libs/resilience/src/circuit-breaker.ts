import type { Clock } from '@meshway/clock';
import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './breaker.options.js';
import { createTripStrategy, type TripStrategy } from './trip.strategy.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Told every state change (for logs and a per-instance gauge). */
export type BreakerListener = (from: BreakerState, to: BreakerState) => void;

const ignore: BreakerListener = () => undefined;

/**
 * One instance's circuit breaker, a synchronous state machine with no timers: closed → open when its trip strategy says
 * so; open → half-open once `openMs` passed (noticed on the next look); half-open admits `halfOpenProbes` concurrent
 * probes — a probe's success closes it, a failure opens it again for twice as long (up to `maxOpenMs`).
 *
 * Callers take permission with `tryAcquire()` before sending and report with `onSuccess()`/`onFailure()`, or
 * `release()` when the attempt ended saying nothing about the instance (the caller gave up). Reports that arrive while
 * open, or while half-open with no probe out, come from requests sent before it opened and are ignored.
 */
export class CircuitBreaker {
  readonly options: ResolvedBreakerOptions;
  private current: BreakerState = 'closed';
  private readonly strategy: TripStrategy;
  private openUntil = 0;
  private openFor: number;
  private probes = 0;

  constructor(
    options: BreakerOptions,
    private readonly clock: Clock,
    private readonly listener: BreakerListener = ignore,
  ) {
    this.options = resolveBreakerOptions(options);
    this.strategy = createTripStrategy(this.options, clock);
    this.openFor = this.options.openMs;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.clock.monotonic() >= this.openUntil) {
      this.probes = 0;
      this.move('half-open');
    }
    return this.current;
  }

  /** Whether a request could go now, without taking a probe slot (for filtering candidates). */
  admits(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && this.probes < this.options.halfOpenProbes);
  }

  /** Takes the right to send one request: always while closed, a probe slot while half-open, never while open. */
  tryAcquire(): boolean {
    if (!this.admits()) return false;
    if (this.current === 'half-open') this.probes++;
    return true;
  }

  onSuccess(): void {
    const state = this.state;
    if (state === 'closed') this.strategy.success();
    else if (state === 'half-open' && this.probes > 0) this.close();
  }

  onFailure(): void {
    const state = this.state;
    if (state === 'closed') {
      if (this.strategy.failure()) this.open(this.options.openMs);
    } else if (state === 'half-open' && this.probes > 0) {
      this.open(Math.min(this.openFor * 2, this.options.maxOpenMs));
    }
  }

  /** An acquired attempt ended without a verdict on the instance: its probe slot, if it held one, is free again. */
  release(): void {
    if (this.current === 'half-open' && this.probes > 0) this.probes--;
  }

  private open(forMs: number): void {
    this.openFor = forMs;
    this.openUntil = this.clock.monotonic() + forMs;
    this.probes = 0;
    this.move('open');
  }

  private close(): void {
    this.openFor = this.options.openMs;
    this.probes = 0;
    this.strategy.reset();
    this.move('closed');
  }

  private move(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.listener(from, to);
  }
}
