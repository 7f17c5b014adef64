import type { ServiceInstance } from '@meshway/discovery';
import { GatewayError } from '../../gateway.errors.js';
import { hashKeyOf, type HashOn } from '../../routing/hash-key.js';
import type { RouteContext, Step, StepFactory } from '../step.js';

function noInstance(service: string): GatewayError {
  return new GatewayError('MESHWAY_NO_INSTANCE', `No healthy instance of ${service}.`);
}

/** Instances run, but every one's breaker is open: fail fast until a probe is due (the breaker's open time). */
function circuitOpen(service: string): GatewayError {
  return new GatewayError('MESHWAY_CIRCUIT_OPEN', `Every instance of ${service} has its circuit breaker open after repeated failures.`, { headers: { 'retry-after': '1' } });
}

/** A retry goes elsewhere when it can (Envoy's "previous hosts" predicate): the same instance only when it is the last. */
function othersThan(instances: readonly ServiceInstance[], failed: ServiceInstance | undefined): readonly ServiceInstance[] {
  if (failed === undefined || instances.length < 2 || !instances.includes(failed)) return instances;
  return instances.filter((instance) => instance !== failed);
}

function pickStep({ spec, upstream, balancer, guards }: RouteContext): Step {
  const hashOn: HashOn | undefined = spec.balancer === 'consistent-hash' ? (spec.hashOn ?? { from: 'ip' }) : undefined;
  return (ex, next) => {
    const running = ex.versionRange === undefined ? upstream.httpInstances : upstream.httpInstancesFor(ex.versionRange);
    const healthy = guards.available(running);
    const candidates = ex.attempts === 0 ? healthy : othersThan(healthy, ex.instance);
    const instance = balancer.pick(candidates, hashOn && { hashKey: hashKeyOf(ex, hashOn) });
    if (!instance) throw running.length > 0 ? circuitOpen(spec.service) : noInstance(spec.service);
    guards.tryAcquire(instance.id);
    ex.instance = instance;
    ex.picked(balancer.begin(instance));
    next(ex);
  };
}

/**
 * HTTP routes: the balancer picks one healthy instance that is neither drained, ejected nor behind an open breaker (a
 * half-open breaker lends it a probe slot), another one than the last attempt's when there is a choice (consistent-hash routes on the route's `hashOn`
 * key). NATS routes have no such step: the NATS queue group picks the member; an empty registry entry is a 503 there.
 */
export const instancePickStep: StepFactory = {
  name: 'pick',
  create: (route) => {
    if (route.spec.transport === 'http') return pickStep(route);
    return (ex, next) => {
      if (route.upstream.instances.length === 0) throw noInstance(route.spec.service);
      next(ex);
    };
  },
};
