import { BALANCER_NAMES, type Balancer, type BalancerName } from './balancer.js';
import { resolveOptions, type BalancerOptions } from './balancer.options.js';
import { BalancingError, BalancingErrorCode } from './balancing.errors.js';
import { ConsistentHashStrategy } from './consistent-hash.strategy.js';
import { LeastRequestStrategy } from './least-request.strategy.js';
import { P2cEwmaStrategy } from './p2c-ewma.strategy.js';
import { RandomStrategy } from './random.strategy.js';
import { RoundRobinStrategy } from './round-robin.strategy.js';
import { WeightedStrategy } from './weighted.strategy.js';

/** True when `name` is one of {@link BALANCER_NAMES}. */
export function isBalancerName(name: unknown): name is BalancerName {
  return typeof name === 'string' && (BALANCER_NAMES as readonly string[]).includes(name);
}

/**
 * Creates a fresh strategy (each holds its own state: keep one per upstream service).
 * Accepts any string because names come from config files; an unknown one throws
 * MESHWAY_UNKNOWN_BALANCER listing the allowed names.
 */
export function createBalancer(name: BalancerName | (string & Record<never, never>), options?: BalancerOptions): Balancer {
  if (!isBalancerName(name)) {
    throw new BalancingError(
      BalancingErrorCode.UnknownBalancer,
      `Unknown balancer ${JSON.stringify(name)}; allowed: ${BALANCER_NAMES.join(', ')}`,
    );
  }
  const { random, clock, ewmaDecayMs, hashReplicas } = resolveOptions(options);
  switch (name) {
    case 'round-robin':
      return new RoundRobinStrategy();
    case 'random':
      return new RandomStrategy(random);
    case 'weighted':
      return new WeightedStrategy();
    case 'least-request':
      return new LeastRequestStrategy(random);
    case 'p2c-ewma':
      return new P2cEwmaStrategy(random, clock, ewmaDecayMs);
    case 'consistent-hash':
      return new ConsistentHashStrategy(random, hashReplicas);
  }
}
