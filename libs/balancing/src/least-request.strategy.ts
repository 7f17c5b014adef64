import type { Random } from '@meshway/clock';
import type { ServiceInstance } from '@meshway/discovery';
import type { Balancer, RequestOutcome } from './balancer.js';
import { LoadTable } from './load.table.js';

/**
 * Sends each request to the instance with the fewest requests in flight (counted through
 * `begin`/outcome); ties are broken at random so idle instances share the load evenly.
 */
export class LeastRequestStrategy implements Balancer {
  readonly name = 'least-request';
  private readonly loads = new LoadTable();

  constructor(private readonly random: Random) {}

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    let best: ServiceInstance | undefined;
    let bestLoad = Infinity;
    let ties = 0;
    for (const instance of instances) {
      const load = this.inflightOf(instance.id);
      if (load < bestLoad) {
        best = instance;
        bestLoad = load;
        ties = 1;
      } else if (load === bestLoad) {
        // Reservoir sampling: the k-th tie replaces the choice with probability 1/k, so every tie is equally likely.
        ties++;
        if (this.random() * ties < 1) best = instance;
      }
    }
    return best;
  }

  begin(instance: ServiceInstance): (outcome: RequestOutcome) => void {
    return this.loads.begin(instance.id);
  }

  /** Requests in flight to `instanceId` (for metrics and tests). */
  inflightOf(instanceId: string): number {
    return this.loads.peek(instanceId)?.inflight ?? 0;
  }
}
