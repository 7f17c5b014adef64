import type { z } from 'zod';
import { GatewayConfigError } from '../gateway.errors.js';

/** How configuration errors show a given value: as JSON, `nothing` when absent. */
export const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

/** zod's issues in words a person editing YAML reads at once (`expected a positive integer, got "fast"`). */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${show(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return undefined;
  }
}

/** `['routes', 2, 'timeoutMs']` → `routes[2].timeoutMs`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(document)';
}

interface FlatIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * A union (`false` or an object, as most policies are) fails with one issue per branch; the useful ones are those of the
 * branch that got past the type check (the object), so `bulkhead.maxConcurrent` is named instead of "invalid input".
 */
function flatten(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): FlatIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ path: [...prefix, ...issue.path], message: issue.message }];
  const shallow = (branch: readonly z.core.$ZodIssue[]): boolean => branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
  const deep = issue.errors.filter((branch) => !shallow(branch));
  if (deep.length === 0) return [{ path: [...prefix, ...issue.path], message: issue.message }];
  return deep.flatMap((branch) => branch.flatMap((inner) => flatten(inner, [...prefix, ...issue.path])));
}

/** Validates `value` with `schema`; throws MESHWAY_GATEWAY_INVALID_CONFIG naming `origin` and every bad field, one per line. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, origin: string): z.output<S> {
  const result = schema.safeParse(value, { error: describeIssue });
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => flatten(issue)).map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
  throw new GatewayConfigError(`Invalid ${origin}:\n  ${lines.join('\n  ')}`);
}
