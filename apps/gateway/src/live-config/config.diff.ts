import { routeKey } from '../routing/route.definition.js';

/** A route as written in a routes document (validated elsewhere). */
export type RouteEntry = Readonly<Record<string, unknown>>;

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** What applying a routes document would change, route by route (routes are matched by name, else by method + host + path). */
export interface ConfigDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly route: string; readonly fields: readonly FieldChange[] }[];
  /** The same, one line per change (`+ route`, `- route`, `~ route: field a → b`), for people and the CLI. */
  readonly text: string;
}

export function identityOf(route: RouteEntry): string {
  if (typeof route.name === 'string') return route.name;
  const methods = Array.isArray(route.methods) ? (route.methods as string[]) : [];
  return routeKey({ methods: methods as never[], host: typeof route.host === 'string' ? route.host : undefined, path: String(route.path) });
}

const show = (value: unknown): string => (value === undefined ? '(unset)' : JSON.stringify(value));

function fieldChanges(before: RouteEntry, after: RouteEntry): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field])).map((field) => ({ field, from: before[field], to: after[field] }));
}

/** Compares two routes documents' routes. */
export function diffRoutes(before: readonly RouteEntry[], after: readonly RouteEntry[]): ConfigDiff {
  const old = new Map(before.map((route) => [identityOf(route), route]));
  const next = new Map(after.map((route) => [identityOf(route), route]));
  const added = [...next.keys()].filter((id) => !old.has(id));
  const removed = [...old.keys()].filter((id) => !next.has(id));
  const changed = [...next].flatMap(([id, route]) => {
    const previous = old.get(id);
    const fields = previous ? fieldChanges(previous, route) : [];
    return fields.length > 0 ? [{ route: id, fields }] : [];
  });
  const lines = [
    ...added.map((id) => `+ ${id}: ${JSON.stringify(next.get(id))}`),
    ...removed.map((id) => `- ${id}`),
    ...changed.flatMap(({ route, fields }) => fields.map((f) => `~ ${route}: ${f.field} ${show(f.from)} → ${show(f.to)}`)),
  ];
  return { added, removed, changed, text: lines.length === 0 ? 'no changes' : lines.join('\n') };
}
