import FindMyWay from 'find-my-way';
import type { Balancer } from '@meshway/balancing';
import { HTTP_METHODS, type HttpMethod } from '@meshway/discovery';
import { GatewayError } from '../gateway.errors.js';
import type { CompiledChain } from '../chain/chain.compiler.js';
import type { CorsPolicy } from './cors.policy.js';
import type { RouteAdmission } from '../security/route-admission.js';
import type { Upstream } from '../upstream/upstream.js';
import type { RouteSpec } from './route.definition.js';

/** A route as the hot path uses it: its spec, and the live objects it needs per request. */
export interface Route {
  /** `METHODS host/path`, unique in a table; the `route` metric label. */
  readonly key: string;
  readonly spec: RouteSpec;
  readonly upstream: Upstream;
  readonly balancer: Balancer;
  /** The route's steps and forwarder, compiled once when the table is built. */
  readonly chain: CompiledChain;
  /** The route's CORS rules (preflights are answered from them, before the chain); undefined: none. */
  readonly cors: CorsPolicy | undefined;
  /** What the route asks before forwarding (auth, rate limit); WebSocket upgrades are admitted by it too. */
  readonly admission: RouteAdmission | undefined;
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A route that lost to an earlier one (file routes come first) on some method. */
export type ShadowedRouteListener = (route: Route, method: HttpMethod, reason: string) => void;

const noop = (): undefined => undefined;

/** `/api/users/*` also matches `/api/users` (a final `*` is zero or more segments): its implicit base path. */
function implicitBaseOf(path: string): string | undefined {
  if (!path.endsWith('/*')) return undefined;
  const base = path.slice(0, -2);
  return base === '' ? '/' : base;
}

/**
 * An immutable routing table (find-my-way radix tree). Rebuilt whole when routes change, and swapped
 * in one assignment, so a request never sees half a table.
 */
export class RouteTable {
  private readonly router = FindMyWay({ caseSensitive: true, maxParamLength: 500 });

  constructor(
    readonly routes: readonly Route[],
    onShadowed: ShadowedRouteListener = noop,
  ) {
    // Configured routes before announced ones, so a service cannot take a path the configuration owns — not even the
    // bare `/api/users` a configured `/api/users/*` covers. Within each, written paths first, then the implicit bases of
    // wildcard routes: `* /api/users` and `* /api/users/*` side by side (what services announce) is no overlap.
    const configured = routes.filter((route) => route.spec.source !== 'announced');
    const announced = routes.filter((route) => route.spec.source === 'announced');
    for (const group of [configured, announced]) {
      for (const route of group) this.register(route, route.spec.path, onShadowed);
      for (const route of group) {
        const base = implicitBaseOf(route.spec.path);
        if (base !== undefined) this.register(route, base, noop);
      }
    }
    this.router.compile();
  }

  private register(route: Route, pattern: string, onShadowed: ShadowedRouteListener): void {
    const { spec } = route;
    const options = spec.host === undefined ? {} : { constraints: { host: spec.host } };
    for (const method of spec.methods.length === 0 ? HTTP_METHODS : spec.methods) {
      try {
        this.router.on(method, pattern, options, noop, route);
      } catch (error) {
        onShadowed(route, method, (error as Error).message);
      }
    }
  }

  /** The route for `method` on `path`, or undefined (no error: for lookups such as CORS preflights). */
  find(method: string, host: string | undefined, path: string): Route | undefined {
    const found = this.router.find(method as HttpMethod, path, host === undefined ? undefined : { host });
    return found ? (found.store as Route) : undefined;
  }

  /** Finds the route for a request, or throws 405 (path known, method not) / 404. */
  match(method: string, host: string | undefined, path: string): RouteMatch {
    const constraints = host === undefined ? undefined : { host };
    const found = this.router.find(method as HttpMethod, path, constraints);
    if (found) return { route: found.store as Route, params: found.params };
    const allowed = HTTP_METHODS.filter((m) => m !== method && this.router.find(m, path, constraints) !== null);
    if (allowed.length > 0) {
      throw new GatewayError('MESHWAY_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`, {
        headers: { allow: allowed.join(', ') },
      });
    }
    throw new GatewayError('MESHWAY_NO_ROUTE', `No route for ${method} ${path}.`);
  }
}
