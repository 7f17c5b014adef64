import type { Clock, Random } from '@meshway/clock';
import { DEFAULT_POLICIES, resolvePolicies, ResiliencePolicy, RetryPolicy, UpstreamGuards, type AttemptFailure, type ResilienceConfig } from '@meshway/resilience';
import { TransportError, TransportErrorCode } from './transport.errors.js';
import { classifyUpstreamError } from './upstream/upstream.failure.js';

/**
 * What the retry loop may try again: failures of the instance; not answers (4xx), caller mistakes, aborts, a spent
 * deadline or an empty service (nothing to try elsewhere).
 */
export function classifyCallError(error: unknown): AttemptFailure | undefined {
  if (!(error instanceof TransportError)) return { failure: 'reset' };
  switch (error.code) {
    case TransportErrorCode.InvalidCall:
    case TransportErrorCode.Aborted:
    case TransportErrorCode.DeadlineExceeded:
    case TransportErrorCode.NoInstance:
      return undefined;
    case TransportErrorCode.UpstreamError:
      if (error.status !== undefined && error.status < 500) return undefined;
      return { failure: 'status', status: error.status ?? 500 };
    default:
      return { failure: classifyUpstreamError(error, '').kind };
  }
}

/**
 * MeshClient's resilience per target service: the client-wide policies, a service's own (`services: { users: {…} }`)
 * over them, a call's `retries` over those. What is learned about instances (breakers, ejections, the budget, the
 * bulkhead) is shared by every call to the service.
 */
export class CallPolicyTable {
  private readonly guards = new Map<string, UpstreamGuards>();
  private readonly cache = new Map<string, ResiliencePolicy>();

  constructor(
    private readonly defaults: ResilienceConfig,
    private readonly services: Readonly<Record<string, ResilienceConfig>>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  for(service: string, call: Pick<ResilienceConfig, 'retries'> | undefined): ResiliencePolicy {
    const key = call === undefined ? service : `${service}\u0000${JSON.stringify(call)}`;
    let policy = this.cache.get(key);
    if (!policy) {
      const serviceConfig: ResilienceConfig = { ...this.defaults, ...this.services[service] };
      const policies = resolvePolicies({ ...serviceConfig, ...call }, DEFAULT_POLICIES);
      policy = new ResiliencePolicy({
        clock: this.clock,
        guards: this.guardsOf(service, serviceConfig),
        classify: classifyCallError,
        ...(policies.retries ? { retry: new RetryPolicy(policies.retries, this.random) } : {}),
      });
      // Per-call overrides must not grow this forever (a caller building them per request).
      if (this.cache.size < 1_000) this.cache.set(key, policy);
    }
    return policy;
  }

  private guardsOf(service: string, config: ResilienceConfig): UpstreamGuards {
    let guards = this.guards.get(service);
    if (!guards) {
      guards = new UpstreamGuards(resolvePolicies(config, DEFAULT_POLICIES), this.clock);
      this.guards.set(service, guards);
    }
    return guards;
  }
}
