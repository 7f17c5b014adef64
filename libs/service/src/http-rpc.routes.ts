import { HTTP_METHODS, type HttpMethod, type RouteAnnouncement } from '@meshway/discovery';

/** One HTTP route a NATS service serves itself in HTTP mode: `POST /orders` → handler of `orders.create`. */
export interface RpcRoute {
  readonly method: HttpMethod;
  /** Path as the gateway forwards it (announced path, prefix stripped), in Fastify's syntax (`:id`, final `*`). */
  readonly url: string;
  /** The `@MessagePattern` that answers it. */
  readonly pattern: string;
}

/** The path the gateway forwards for `path` (its `stripPrefix`): only at a segment boundary, `/api` alone → `/`. */
export function stripPrefix(path: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === '/' || !path.startsWith(prefix)) return path;
  const rest = path.slice(prefix.length);
  if (rest === '') return '/';
  return rest.startsWith('/') ? rest : path;
}

/** A final `*` matches zero or more segments (as in the gateway), so `/orders/*` also owns `/orders`. */
function implicitBaseOf(url: string): string | undefined {
  if (!url.endsWith('/*')) return undefined;
  return url === '/*' ? '/' : url.slice(0, -2);
}

/**
 * The HTTP routes that stand in for NATS subjects when a NATS service serves HTTP: every announced route that names a
 * subject, at the path the gateway forwards (prefix stripped), for each announced method (none = all). Written paths
 * first, then the implicit bases of wildcard routes; the first route to claim a method and path keeps it.
 */
export function rpcRoutes(routes: readonly RouteAnnouncement[], prefix: string | undefined): RpcRoute[] {
  const claimed = new Map<string, RpcRoute>();
  const claim = (route: RouteAnnouncement, pattern: string, url: string): void => {
    for (const method of route.methods.length === 0 ? HTTP_METHODS : route.methods) {
      const key = `${method} ${url}`;
      if (!claimed.has(key)) claimed.set(key, { method, url, pattern });
    }
  };
  const withSubject = routes.flatMap((route) => (route.subject === undefined ? [] : [{ route, pattern: route.subject, url: stripPrefix(route.path, prefix) }]));
  for (const { route, pattern, url } of withSubject) claim(route, pattern, url);
  for (const { route, pattern, url } of withSubject) {
    const base = implicitBaseOf(url);
    if (base !== undefined) claim(route, pattern, base);
  }
  return [...claimed.values()];
}
