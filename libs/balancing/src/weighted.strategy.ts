import type { ServiceInstance } from '@meshway/discovery';
import type { Balancer, RequestOutcome } from './balancer.js';
import { ignoreOutcome } from './ignore-outcome.js';

interface WheelState {
  readonly list: readonly ServiceInstance[];
  readonly ids: readonly string[];
  readonly weights: Float64Array;
  readonly current: Float64Array;
  readonly total: number;
}

/**
 * Smooth weighted round-robin (nginx): every pick adds each instance's weight to its running
 * score, takes the highest score and subtracts the total. Deterministic, exact over each cycle
 * and interleaved (weights 5:1:1 give a a b a c a a, not a a a a a b c).
 * Weight 0 takes no traffic (draining, canary off) unless every weight is 0, then all weigh the same.
 */
export class WeightedStrategy implements Balancer {
  readonly name = 'weighted';
  private state: WheelState | undefined;

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    if (instances.length === 0) return undefined;
    const state = this.stateFor(instances);
    const { weights, current, total } = state;
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] = (current[i] ?? 0) + (weights[i] ?? 0);
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    }
    current[best] = (current[best] ?? 0) - total;
    return instances[best];
  }

  begin(_instance: ServiceInstance): (outcome: RequestOutcome) => void {
    return ignoreOutcome;
  }

  /** Same list object → cached; same ids in a new list → state kept; else rebuilt, carrying scores over by id. */
  private stateFor(instances: readonly ServiceInstance[]): WheelState {
    const cached = this.state;
    if (cached?.list === instances) return cached;
    if (cached && sameIds(cached.ids, instances) && sameWeights(cached.weights, instances)) {
      this.state = { ...cached, list: instances };
      return this.state;
    }
    this.state = buildState(instances, cached);
    return this.state;
  }
}

function sameIds(ids: readonly string[], instances: readonly ServiceInstance[]): boolean {
  return ids.length === instances.length && instances.every((instance, i) => instance.id === ids[i]);
}

function sameWeights(weights: Float64Array, instances: readonly ServiceInstance[]): boolean {
  const allZero = instances.every((instance) => instance.weight <= 0);
  return instances.every((instance, i) => weights[i] === effectiveWeight(instance, allZero));
}

function effectiveWeight(instance: ServiceInstance, allZero: boolean): number {
  return allZero ? 1 : Math.max(0, instance.weight);
}

function buildState(instances: readonly ServiceInstance[], previous: WheelState | undefined): WheelState {
  const allZero = instances.every((instance) => instance.weight <= 0);
  const weights = Float64Array.from(instances, (instance) => effectiveWeight(instance, allZero));
  const carried = new Map<string, number>();
  previous?.ids.forEach((id, i) => carried.set(id, previous.current[i] ?? 0));
  const current = Float64Array.from(instances, (instance) => carried.get(instance.id) ?? 0);
  const total = weights.reduce((sum, w) => sum + w, 0);
  return { list: instances, ids: instances.map((instance) => instance.id), weights, current, total };
}
