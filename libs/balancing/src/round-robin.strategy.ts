import type { ServiceInstance } from '@meshway/discovery';
import type { Balancer, RequestOutcome } from './balancer.js';
import { ignoreOutcome } from './ignore-outcome.js';

/** Takes instances in turn. One counter for every list, so a changing list keeps the rotation going. */
export class RoundRobinStrategy implements Balancer {
  readonly name = 'round-robin';
  private next = 0;

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    const n = instances.length;
    if (n === 0) return undefined;
    const index = this.next % n;
    // Wrap well before 2^53 so the modulo stays exact forever.
    this.next = this.next >= Number.MAX_SAFE_INTEGER - 1 ? 0 : this.next + 1;
    return instances[index];
  }

  begin(_instance: ServiceInstance): (outcome: RequestOutcome) => void {
    return ignoreOutcome;
  }
}
