export { type Balancer, type BalancerName, type PickContext, type RequestOutcome, BALANCER_NAMES } from './balancer.js';
