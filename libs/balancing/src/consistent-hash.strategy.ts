import type { Random } from '@meshway/clock';
import type { ServiceInstance } from '@meshway/discovery';
import type { Balancer, PickContext, RequestOutcome } from './balancer.js';
import { HashRing } from './hash-ring.js';
import { ignoreOutcome } from './ignore-outcome.js';

interface RingState {
  /** The list this state was last used with (fast path: same array → no work). */
  readonly list: readonly ServiceInstance[];
  /** The id set as one string, to notice a new array holding the same instances. */
  readonly key: string;
  readonly ring: HashRing;
  /** Instances in the ring's id order. */
  readonly members: readonly ServiceInstance[];
}

/**
 * Sends the same `context.hashKey` to the same instance (session affinity, cache locality), on a
 * ring with `replicas` virtual nodes per instance; when an instance leaves, only its keys move.
 * Without a key it picks at random. The ring is cached by the instance-id set.
 */
export class ConsistentHashStrategy implements Balancer {
  readonly name = 'consistent-hash';
  private state: RingState | undefined;

  constructor(
    private readonly random: Random,
    private readonly replicas: number,
  ) {}

  pick(instances: readonly ServiceInstance[], context?: PickContext): ServiceInstance | undefined {
    if (instances.length === 0) return undefined;
    const key = context?.hashKey;
    if (key === undefined) return instances[Math.floor(this.random() * instances.length)];
    const { ring, members } = this.stateFor(instances);
    return members[ring.ownerOf(key)];
  }

  begin(_instance: ServiceInstance): (outcome: RequestOutcome) => void {
    return ignoreOutcome;
  }

  private stateFor(instances: readonly ServiceInstance[]): RingState {
    const cached = this.state;
    if (cached?.list === instances) return cached;
    const members = [...new Map(instances.map((instance) => [instance.id, instance])).values()].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    const ids = members.map((member) => member.id);
    const key = ids.join('\n');
    const ring = cached?.key === key ? cached.ring : new HashRing(ids, this.replicas);
    this.state = { list: instances, key, ring, members };
    return this.state;
  }
}
