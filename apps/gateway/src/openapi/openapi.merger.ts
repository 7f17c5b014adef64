/** The parts of an OpenAPI document the merger reads and writes; everything else passes through as given. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>> };
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
}

/** A route as the merger needs it. */
export interface DocumentedRoute {
  readonly path: string;
  readonly methods: readonly string[];
  readonly service: string;
  readonly stripPrefix: string | null;
  readonly transport: string;
  /** NATS routes: the subject the gateway sends to; the service marks the operations it answers with `x-meshway-subject`. */
  readonly subject?: string | null;
}

/** A Meshway NATS service's operations name the subject that answers them (see `@meshway/service`'s PatternDoc). */
const SUBJECT_EXTENSION = 'x-meshway-subject';

const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `/api/users/:id/*` → a regex over OpenAPI paths whose `{params}` stand for one segment each. */
function routeMatcher(path: string): RegExp {
  const wildcard = path.endsWith('/*');
  const base = wildcard ? path.slice(0, -2) : path;
  const body = base.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${body}${wildcard ? '(?:/.*)?' : ''}$`);
}

/** `/api/users/:id/*` → `/api/users/{id}/{path}`: a route nobody described, as an OpenAPI path. */
function openApiPath(path: string): string {
  return path.replace(/\/\*$/, '/{path}').replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Rewrites every `#/components/schemas/X` under `value` to the service's namespaced schema. */
function namespaceRefs(value: unknown, service: string): unknown {
  if (Array.isArray(value)) return value.map((item) => namespaceRefs(item, service));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/') ? `#/components/schemas/${service}.${item.slice(21)}` : namespaceRefs(item, service);
  }
  return out;
}

type Found = [path: string, method: string, operation: Record<string, unknown>];

/** The operations of `item` the route lets through: its methods, and for a NATS route only those its subject answers. */
function routedOperations(item: Readonly<Record<string, unknown>>, route: DocumentedRoute): [string, Record<string, unknown>][] {
  const allowed = route.methods.includes('*') ? undefined : new Set(route.methods.map((m) => m.toLowerCase()));
  const found: [string, Record<string, unknown>][] = [];
  for (const method of OPERATIONS) {
    const operation = item[method];
    if (typeof operation !== 'object' || operation === null || (allowed && !allowed.has(method))) continue;
    const subject = (operation as Record<string, unknown>)[SUBJECT_EXTENSION];
    if (route.subject && typeof subject === 'string' && subject !== route.subject) continue;
    found.push([method, operation as Record<string, unknown>]);
  }
  return found;
}

/**
 * The service's operations this route reaches: by path (the strip prefix put back), or — for a NATS route whose path
 * the service did not announce itself (a routes-file route to its subject) — by subject, at the route's own path.
 */
function describedOperations(doc: OpenApiDocument, route: DocumentedRoute): Found[] {
  const matches = routeMatcher(route.path);
  const found: Found[] = [];
  for (const [servicePath, item] of Object.entries(doc.paths ?? {})) {
    const gatewayPath = `${route.stripPrefix ?? ''}${servicePath === '/' && route.stripPrefix ? '' : servicePath}` || '/';
    if (!matches.test(gatewayPath.replace(/\{[^}]+\}/g, 'x'))) continue;
    for (const [method, operation] of routedOperations(item, route)) found.push([gatewayPath, method, operation]);
  }
  if (found.length > 0 || !route.subject) return found;
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, operation] of routedOperations(item, route)) {
      if (operation[SUBJECT_EXTENSION] === route.subject) found.push([openApiPath(route.path), method, operation]);
    }
  }
  return found;
}

/** `users.getUser`; an id already under the service's name (a NATS subject such as `orders.create`) stays as it is. */
function namespacedId(service: string, operationId: unknown, fallback: string): string {
  const id = typeof operationId === 'string' ? operationId : fallback;
  return id.startsWith(`${service}.`) ? id : `${service}.${id}`;
}

function undocumented(route: DocumentedRoute): Record<string, unknown> {
  const methods = route.methods.includes('*') ? ['get', 'post', 'put', 'patch', 'delete'] : route.methods.map((m) => m.toLowerCase());
  const operation = { tags: [route.service], summary: `Routed to ${route.service} (${route.transport})`, description: `${route.service} publishes no API description.`, responses: { default: { description: 'The service\'s answer.' } } };
  return Object.fromEntries(methods.filter((m) => OPERATIONS.includes(m)).map((m) => [m, { ...operation, operationId: `${route.service}.${m}.${route.path}` }]));
}

/**
 * One OpenAPI 3.1 document for everything the gateway routes: each service's own document, its paths rewritten the way
 * the gateway exposes them (the route's strip prefix put back; only operations the route lets through), its schemas
 * namespaced by service (`users.User`) so two services' `User` never collide. Routes whose service publishes no document
 * still appear, described as such.
 */
export function mergeOpenApi(routes: readonly DocumentedRoute[], docs: ReadonlyMap<string, OpenApiDocument>, info: OpenApiDocument['info']): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const services = new Set<string>();
  for (const route of routes) {
    services.add(route.service);
    const doc = docs.get(route.service);
    const operations = doc ? describedOperations(doc, route) : [];
    if (operations.length === 0) {
      paths[openApiPath(route.path)] ??= undocumented(route);
      continue;
    }
    for (const [path, method, operation] of operations) {
      (paths[path] ??= {})[method] = namespaceRefs({ ...operation, tags: [route.service], operationId: namespacedId(route.service, operation.operationId, `${method}${path}`) }, route.service);
    }
  }
  for (const [service, doc] of docs) {
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) schemas[`${service}.${name}`] = namespaceRefs(schema, service);
  }
  return {
    openapi: '3.1.0',
    info,
    tags: [...services].sort().map((name) => ({ name, description: docs.get(name)?.info.description ?? docs.get(name)?.info.title ?? name })),
    paths,
    components: { schemas },
  };
}
