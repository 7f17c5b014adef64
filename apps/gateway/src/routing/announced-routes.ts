import { decodeRoutes, META, type ServiceInstance } from '@meshway/discovery';
import { routeKey, type RouteDefaults, type RouteSpec } from './route.definition.js';

/** Reports an announcement the gateway skipped, and why. */
export type InvalidAnnouncementListener = (service: string, instanceId: string, reason: string) => void;

function specsOf(instance: ServiceInstance, defaults: RouteDefaults, onInvalid: InvalidAnnouncementListener): RouteSpec[] {
  const value = instance.meta[META.routes];
  if (value === undefined) return [];
  try {
    const stripPrefix = instance.meta[META.stripPrefix] || undefined;
    return decodeRoutes(value).flatMap((route) => {
      if (instance.transport === 'nats' && route.subject === undefined) {
        onInvalid(instance.service, instance.id, `route "${route.path}" of a NATS service names no subject`);
        return [];
      }
      const spec: RouteSpec = {
        ...defaults,
        source: 'announced',
        name: undefined,
        path: route.path,
        methods: route.methods,
        host: undefined,
        service: instance.service,
        transport: instance.transport,
        subject: instance.transport === 'nats' ? route.subject : undefined,
        stripPrefix,
        hashOn: undefined,
        version: undefined,
        versionHeader: undefined,
        cors: undefined,
      };
      return [spec];
    });
  } catch (error) {
    onInvalid(instance.service, instance.id, (error as Error).message);
    return [];
  }
}

/**
 * The routes a service announces in its instances' `meshway-routes` meta (see `@meshway/discovery`).
 * Instances of one service normally announce the same routes; during a rolling upgrade the union is served.
 */
export function announcedRoutes(instances: readonly ServiceInstance[], defaults: RouteDefaults, onInvalid: InvalidAnnouncementListener): RouteSpec[] {
  const byKey = new Map<string, RouteSpec>();
  for (const instance of instances) {
    for (const spec of specsOf(instance, defaults, onInvalid)) {
      const key = routeKey(spec);
      if (!byKey.has(key)) byKey.set(key, spec);
    }
  }
  return [...byKey.values()];
}
