import { z } from 'zod';
import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
import { createInstance } from './service-instance.factory.js';
import type { ServiceInstance } from './service-instance.js';

/** One entry of `/v1/health/service/:name`; only the fields discovery reads are checked, the rest are ignored. */
const healthEntry = z.object({
  Node: z.object({ Address: z.string().nullish() }).nullish(),
  Service: z.object({
    ID: z.string().min(1),
    Service: z.string().min(1),
    Address: z.string().nullish(),
    Port: z.number().int().min(0).max(65_535),
    Tags: z.array(z.string()).nullish(),
    Meta: z.record(z.string(), z.string()).nullish(),
  }),
});

const healthEntries = z.array(healthEntry);

/** `/v1/catalog/services`: service name → tags. */
const catalogServices = z.record(z.string(), z.array(z.string()).nullable());

function rejected(what: string, error: z.ZodError): DiscoveryError {
  const issue = error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
  return new DiscoveryError(DiscoveryErrorCode.RegistryRejected, `The registry answered ${what} with a body this client cannot read (${where})`, { cause: error });
}

/**
 * Maps a `/v1/health/service/:name` body to instances, sorted by id so equal answers compare equal.
 * The service address falls back to the node address, as Consul's own DNS interface does.
 */
export function toInstances(body: unknown): ServiceInstance[] {
  const parsed = healthEntries.safeParse(body ?? []);
  if (!parsed.success) throw rejected('/v1/health/service', parsed.error);
  return parsed.data
    .map(({ Node, Service }) =>
      createInstance({
        id: Service.ID,
        service: Service.Service,
        address: Service.Address || Node?.Address || '',
        port: Service.Port,
        tags: Service.Tags ?? [],
        meta: Service.Meta ?? {},
      }),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The registry's own service: Consul servers (and Meshway's registry) list themselves as `consul`. */
export const REGISTRY_SERVICE = 'consul';

/** Maps a `/v1/catalog/services` body to sorted service names, leaving out the registry's own `consul` service. */
export function toServiceNames(body: unknown): string[] {
  const parsed = catalogServices.safeParse(body ?? {});
  if (!parsed.success) throw rejected('/v1/catalog/services', parsed.error);
  return Object.keys(parsed.data)
    .filter((name) => name !== REGISTRY_SERVICE)
    .sort();
}
