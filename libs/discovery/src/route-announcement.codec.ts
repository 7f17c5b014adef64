import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
import { MAX_META_VALUE_LENGTH } from './meta-keys.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * A route a service exposes through the gateway, announced in its registry meta (`meshway-routes`),
 * so a new service is routed with no gateway config edit.
 */
export interface RouteAnnouncement {
  /** Methods this route accepts; empty means any method. */
  readonly methods: readonly HttpMethod[];
  /**
   * Public path on the gateway: literal segments, `:name` parameters, and a final `*`
   * that matches zero or more further segments. E.g. `/api/users`, `/api/users/:id`, `/api/users/*`.
   */
  readonly path: string;
  /** For NATS services: the message pattern (subject) this route is sent to, e.g. `orders.create`. */
  readonly subject?: string;
}

const SEGMENT = /^(?:[A-Za-z0-9._~!$&'()+,=@-]+|:[A-Za-z_][A-Za-z0-9_]*|\*)$/;
const SUBJECT = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

function invalid(entry: string, why: string): DiscoveryError {
  return new DiscoveryError(DiscoveryErrorCode.InvalidRouteAnnouncement, `Invalid route announcement "${entry}": ${why}`);
}

function validatePath(entry: string, path: string): void {
  if (!path.startsWith('/')) throw invalid(entry, 'path must start with "/"');
  if (path === '/') return;
  const segments = path.slice(1).split('/');
  segments.forEach((segment, i) => {
    if (!SEGMENT.test(segment)) throw invalid(entry, `bad path segment "${segment}"`);
    if (segment === '*' && i !== segments.length - 1) throw invalid(entry, '"*" may only be the last segment');
  });
}

function validate(route: RouteAnnouncement, entry: string): RouteAnnouncement {
  for (const m of route.methods) {
    if (!(HTTP_METHODS as readonly string[]).includes(m)) throw invalid(entry, `unknown method "${m}"; allowed: ${HTTP_METHODS.join(', ')} or *`);
  }
  validatePath(entry, route.path);
  if (route.subject !== undefined && !SUBJECT.test(route.subject)) throw invalid(entry, `bad NATS subject "${route.subject}" (letters, digits, "_", "-", dot-separated; no wildcards)`);
  return route;
}

function encodeOne(route: RouteAnnouncement): string {
  const text = `${route.methods.length === 0 ? '*' : route.methods.join(',')} ${route.path}${route.subject ? ` ${route.subject}` : ''}`;
  validate(route, text);
  return text;
}

/**
 * Encodes routes for the `meshway-routes` meta value:
 * `METHODS PATH [SUBJECT]` entries joined by `;`, METHODS being `*` or a comma list.
 * E.g. `GET,POST /api/users;GET /api/users/:id` or `POST /api/orders orders.create`.
 * Throws MESHWAY_INVALID_ROUTE_ANNOUNCEMENT for a bad route or a value over Consul's 512-character limit.
 */
export function encodeRoutes(routes: readonly RouteAnnouncement[]): string {
  const value = routes.map(encodeOne).join(';');
  if (value.length > MAX_META_VALUE_LENGTH) {
    throw new DiscoveryError(
      DiscoveryErrorCode.InvalidRouteAnnouncement,
      `Route announcements take ${value.length} characters; registry meta values hold at most ${MAX_META_VALUE_LENGTH}. Announce prefixes with "*" instead of every path.`,
    );
  }
  return value;
}

/** Parses a `meshway-routes` meta value; throws MESHWAY_INVALID_ROUTE_ANNOUNCEMENT naming the bad entry. */
export function decodeRoutes(value: string): RouteAnnouncement[] {
  if (value.trim() === '') return [];
  return value.split(';').map((raw) => {
    const entry = raw.trim();
    const parts = entry.split(/\s+/);
    if (parts.length < 2 || parts.length > 3) throw invalid(entry, 'expected "METHODS PATH [SUBJECT]"');
    const [methods = '', path = '', subject] = parts;
    const route: RouteAnnouncement = {
      methods: methods === '*' ? [] : (methods.toUpperCase().split(',') as HttpMethod[]),
      path,
      ...(subject === undefined ? {} : { subject }),
    };
    return validate(route, entry);
  });
}
