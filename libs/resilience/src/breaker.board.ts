import type { Clock } from '@meshway/clock';
import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './breaker.options.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import type { Identified } from './identified.js';

/** Told every state change of any instance's breaker. */
export type BoardListener = (instanceId: string, from: BreakerState, to: BreakerState) => void;

/**
 * The circuit breakers of one upstream service's instances, by instance id: made on the first report, forgotten when
 * the instance leaves (`retain`). An instance without a breaker yet is closed. `filter` keeps the very array it was given
 * when it excludes nothing, so callers can keep caching by identity.
 */
export class BreakerBoard {
  readonly options: ResolvedBreakerOptions;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly listener: BoardListener | undefined;

  constructor(
    options: BreakerOptions,
    private readonly clock: Clock,
    listener?: BoardListener,
  ) {
    this.options = resolveBreakerOptions(options);
    this.listener = listener;
  }

  /** The breaker of `instanceId`, made now if it has none. */
  breaker(instanceId: string): CircuitBreaker {
    let breaker = this.breakers.get(instanceId);
    if (breaker === undefined) {
      const { listener } = this;
      breaker = new CircuitBreaker(this.options, this.clock, listener && ((from, to) => { listener(instanceId, from, to); }));
      this.breakers.set(instanceId, breaker);
    }
    return breaker;
  }

  /** Whether `instanceId` could take a request now (true for an instance never reported on). */
  admits(instanceId: string): boolean {
    return this.breakers.get(instanceId)?.admits() ?? true;
  }

  tryAcquire(instanceId: string): boolean {
    return this.breakers.get(instanceId)?.tryAcquire() ?? true;
  }

  onSuccess(instanceId: string): void {
    // In consecutive mode a success on an instance never seen failing needs no breaker: nothing is made on the happy
    // path. The ratio mode needs every success in its window.
    if (this.options.mode === 'ratio') this.breaker(instanceId).onSuccess();
    else this.breakers.get(instanceId)?.onSuccess();
  }

  onFailure(instanceId: string): void {
    this.breaker(instanceId).onFailure();
  }

  release(instanceId: string): void {
    this.breakers.get(instanceId)?.release();
  }

  /** `instances` without those whose breaker admits nothing now; the same array when that is none of them. */
  filter<I extends Identified>(instances: readonly I[]): readonly I[] {
    if (this.breakers.size === 0) return instances;
    for (let i = 0; i < instances.length; i++) {
      if (!this.admits((instances[i] as I).id)) return instances.filter((instance) => this.admits(instance.id));
    }
    return instances;
  }

  /** Forgets the breakers of instances not in `instances` (they left discovery). */
  retain(instances: readonly Identified[]): void {
    if (this.breakers.size === 0) return;
    const present = new Set(instances.map((instance) => instance.id));
    for (const id of this.breakers.keys()) if (!present.has(id)) this.breakers.delete(id);
  }

  /** Every known breaker's state, by instance id (for the admin API and metrics). */
  states(): Map<string, BreakerState> {
    return new Map([...this.breakers].map(([id, breaker]) => [id, breaker.state]));
  }
}
