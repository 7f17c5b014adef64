import type { Clock, Random } from '@meshway/clock';
import type { ServiceInstance } from '@meshway/discovery';
import type { Balancer, RequestOutcome } from './balancer.js';
import { LoadTable, type InstanceLoad } from './load.table.js';

/** A failed request counts as this many times slower than the slower of its latency and the estimate, so a fast-failing instance does not attract traffic. */
const FAILURE_PENALTY = 2;
/** Cost of an instance that has never answered but has requests in flight (Finagle's "penalty"): try it once, then wait for it. */
const UNPROVEN_PENALTY = 1e9;

/**
 * Power of two choices over peak-EWMA latency (Finagle, linkerd): pick two instances at random,
 * send to the one with the lower `latency estimate × (in flight + 1)`. The estimate jumps up to
 * any slower observation at once (peak) and otherwise moves as an exponentially weighted average;
 * between observations it decays toward zero with time constant `ewmaDecayMs`, so an instance
 * that was slow is tried again later.
 */
export class P2cEwmaStrategy implements Balancer {
  readonly name = 'p2c-ewma';
  private readonly loads = new LoadTable();
  private readonly observe = (load: InstanceLoad, outcome: RequestOutcome): void => {
    this.update(load, outcome);
  };

  constructor(
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly decayMs: number,
  ) {}

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    const n = instances.length;
    if (n <= 1) return instances[0];
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j++;
    const a = instances[i];
    const b = instances[j];
    if (!a || !b) return a ?? b;
    const now = this.clock.monotonic();
    return this.cost(b, now) < this.cost(a, now) ? b : a;
  }

  begin(instance: ServiceInstance): (outcome: RequestOutcome) => void {
    return this.loads.begin(instance.id, this.observe);
  }

  /** The load score the strategy compares (lower wins); for metrics and tests. */
  costOf(instance: ServiceInstance): number {
    return this.cost(instance, this.clock.monotonic());
  }

  private cost(instance: ServiceInstance, now: number): number {
    const load = this.loads.peek(instance.id);
    if (!load) return 0;
    const rtt = this.decayed(load, now);
    if (rtt === 0 && load.inflight > 0) return UNPROVEN_PENALTY + load.inflight;
    return rtt * (load.inflight + 1);
  }

  private decayed(load: InstanceLoad, now: number): number {
    return load.rttMs === 0 ? 0 : load.rttMs * Math.exp(-Math.max(0, now - load.at) / this.decayMs);
  }

  private update(load: InstanceLoad, outcome: RequestOutcome): void {
    const now = this.clock.monotonic();
    const current = this.decayed(load, now);
    // Floor at 1 µs: an estimate of 0 means "never measured".
    const latency = Math.max(0.001, outcome.latencyMs);
    const observed = outcome.ok ? latency : Math.max(latency, current, 1) * FAILURE_PENALTY;
    // A peak replaces the estimate at once; a lower value is blended in by the time since the last update
    // (long ago → the new value dominates; just now → the estimate barely moves), as in Finagle's PeakEwma.
    if (load.rttMs === 0 || observed > current) load.rttMs = observed;
    else {
      const keep = Math.exp(-Math.max(0, now - load.at) / this.decayMs);
      load.rttMs = current * keep + observed * (1 - keep);
    }
    load.at = now;
  }
}
