import type { Clock, Random } from '@meshway/clock';
import { resolvePolicies, RetryPolicy, UpstreamGuards, type ResilienceConfig, type ResiliencePolicies } from '@meshway/resilience';

/** The policies of one call, and what they share per target service. */
export interface CallPolicies {
  readonly policies: ResiliencePolicies;
  readonly retry: RetryPolicy | undefined;
  readonly guards: UpstreamGuards;
}

/**
 * MeshClient's resilience per target service: the client-wide policies, a service's own (`services: { users: {…} }`)
 * over them, a call's `retries`/`retryOn` over those. What is learned about instances (breakers, ejections, the budget)
 * is shared by every call to the service with the same service-level policies.
 */
export class CallPolicyTable {
  private readonly cache = new Map<string, CallPolicies>();

  constructor(
    private readonly defaults: ResilienceConfig,
    private readonly services: Readonly<Record<string, ResilienceConfig>>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  for(service: string, call: ResilienceConfig | undefined): CallPolicies {
    const key = call === undefined ? service : `${service}\u0000${JSON.stringify(call)}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const serviceConfig: ResilienceConfig = { ...this.defaults, ...this.services[service] };
      const policies = resolvePolicies({ ...serviceConfig, ...call }, {});
      const shared = call === undefined ? undefined : this.cache.get(service)?.guards;
      entry = { policies, retry: policies.retry && new RetryPolicy(policies.retry, this.random), guards: shared ?? new UpstreamGuards(resolvePolicies(serviceConfig, {}), this.clock) };
      // Per-call overrides must not grow this forever (a caller building them per request).
      if (this.cache.size < 1_000) this.cache.set(key, entry);
    }
    return entry;
  }
}
