import type { Clock } from '@meshway/clock';
import { CircuitBreaker, type BreakerOptions, type BreakerState } from './circuit.breaker.js';
import type { AttemptOutcome } from './outcome.js';

/** Told every state change of any instance's breaker (for logs and a per-instance gauge). */
export type BoardListener = (instanceId: string, from: BreakerState, to: BreakerState) => void;

/**
 * The breakers of one upstream service's instances, made when an instance is first seen. `filter` leaves out instances
 * whose breaker admits nothing now, keeping the array itself when all admit (so callers can cache by identity).
 */
export class BreakerBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    private readonly onChange: BoardListener = () => undefined,
  ) {}

  breaker(instanceId: string): CircuitBreaker {
    let breaker = this.breakers.get(instanceId);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, this.clock, (from, to) => {
        this.onChange(instanceId, from, to);
      });
      this.breakers.set(instanceId, breaker);
    }
    return breaker;
  }

  filter<T extends { readonly id: string }>(instances: readonly T[]): readonly T[] {
    if (this.breakers.size === 0) return instances;
    let blocked = false;
    for (const instance of instances) {
      if (this.breakers.get(instance.id)?.admits() === false) {
        blocked = true;
        break;
      }
    }
    return blocked ? instances.filter((instance) => this.breakers.get(instance.id)?.admits() !== false) : instances;
  }

  tryAcquire(instanceId: string): boolean {
    return this.breakers.get(instanceId)?.tryAcquire() ?? true;
  }

  report(instanceId: string, outcome: AttemptOutcome): void {
    this.breaker(instanceId).report(outcome);
  }

  /** Forgets instances that left discovery. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.breakers.keys()) if (!ids.has(id)) this.breakers.delete(id);
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([id, breaker]) => [id, breaker.state]));
  }
}
