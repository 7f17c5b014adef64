import type { Random } from '@meshway/clock';
import type { ServiceInstance } from '@meshway/discovery';
import type { Balancer, RequestOutcome } from './balancer.js';
import { ignoreOutcome } from './ignore-outcome.js';

/** Picks uniformly at random; stateless, so it suits many gateways sharing upstreams. */
export class RandomStrategy implements Balancer {
  readonly name = 'random';

  constructor(private readonly random: Random) {}

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    if (instances.length === 0) return undefined;
    return instances[Math.floor(this.random() * instances.length)];
  }

  begin(_instance: ServiceInstance): (outcome: RequestOutcome) => void {
    return ignoreOutcome;
  }
}
