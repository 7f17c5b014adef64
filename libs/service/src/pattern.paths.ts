import { STATUS_CODES } from 'node:http';
import type { HttpMethod, RouteAnnouncement } from '@meshway/discovery';
import type { OperationObject, ParameterObject, ResponsesObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { stripPrefix } from './http-rpc.routes.js';
import type { PatternDocOptions } from './pattern-doc.decorator.js';
import { toOpenApiSchema, type JsonSchema, type SchemaSide } from './zod-openapi.converter.js';

/** Marks an operation as answered by a NATS handler: the gateway sends the request to this subject. */
export const SUBJECT_EXTENSION = 'x-meshway-subject';

/** A route with no methods takes any; documented as the methods an API uses. */
const ANY_METHOD: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export type SubjectOperation = OperationObject & { readonly [SUBJECT_EXTENSION]: string };

/** Path items and the schemas they refer to, in the shape of an OpenAPI document's `paths` and `components.schemas`. */
export interface PatternPaths {
  readonly paths: Record<string, Record<string, SubjectOperation>>;
  readonly schemas: Record<string, JsonSchema>;
}

/** `/orders/:id` → `/orders/{id}`; a final `*` → `{path}`. */
function openApiPath(url: string): string {
  return url.replace(/\/\*$/, '/{path}').replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

class Builder {
  readonly schemas: Record<string, JsonSchema> = {};

  schema(schema: z.ZodType, side: SchemaSide): JsonSchema {
    const converted = toOpenApiSchema(schema, side);
    Object.assign(this.schemas, converted.components);
    return converted.schema;
  }

  /** One parameter per property of an object schema. */
  parameters(schema: z.ZodObject, where: 'query' | 'path'): ParameterObject[] {
    const json = this.schema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property }));
  }

  pathParameters(url: string, doc: PatternDocOptions | undefined): ParameterObject[] {
    const declared = doc?.params === undefined ? [] : this.parameters(doc.params, 'path');
    const names = [...url.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
    return names.map((name) => declared.find((p) => p.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' }, ...(name === 'path' && url.endsWith('/{path}') ? { description: 'The rest of the path.' } : {}) });
  }

  responses(doc: PatternDocOptions | undefined): ResponsesObject {
    const entries = Object.entries(doc?.responses ?? {});
    if (entries.length === 0) return { default: { description: 'The handler\'s reply.' } };
    return Object.fromEntries(
      entries.map(([status, schema]) => [status, { description: STATUS_CODES[status] ?? status, ...(schema === null ? {} : { content: { 'application/json': { schema: this.schema(schema, 'output') } } }) }]),
    );
  }

  operation(subject: string, url: string, doc: PatternDocOptions | undefined): SubjectOperation {
    const parameters = [...this.pathParameters(url, doc), ...(doc?.query === undefined ? [] : this.parameters(doc.query, 'query'))];
    return {
      summary: doc?.summary ?? subject,
      ...(doc?.description === undefined ? {} : { description: doc.description }),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(doc?.body === undefined ? {} : { requestBody: { required: !doc.body.safeParse(undefined).success, content: { 'application/json': { schema: this.schema(doc.body, 'input') } } } }),
      responses: this.responses(doc),
      [SUBJECT_EXTENSION]: subject,
    };
  }
}

/**
 * The path items of a NATS service's announced routes, as its HTTP controllers' paths would be: at the path the gateway
 * forwards (`POST /api/orders` with `stripPrefix: '/api'` → `POST /orders`, as HTTP mode serves it), each operation
 * described by its handler's `@PatternDoc` (`docs`, by subject) and marked with `x-meshway-subject`. Routes without a
 * subject are an HTTP controller's; they are left to @nestjs/swagger.
 */
export function patternPaths(routes: readonly RouteAnnouncement[], prefix: string | undefined, docs: ReadonlyMap<string, PatternDocOptions>): PatternPaths {
  const builder = new Builder();
  const paths: Record<string, Record<string, SubjectOperation>> = {};
  const ids = new Set<string>();
  const uniqueId = (candidates: readonly string[]): string => {
    const id = candidates.find((candidate) => !ids.has(candidate)) ?? `${candidates.at(-1) ?? ''}.${String(ids.size)}`;
    ids.add(id);
    return id;
  };
  for (const route of routes) {
    if (route.subject === undefined) continue;
    const url = openApiPath(stripPrefix(route.path, prefix));
    for (const method of route.methods.length === 0 ? ANY_METHOD : route.methods) {
      const operation = builder.operation(route.subject, url, docs.get(route.subject));
      const verb = method.toLowerCase();
      (paths[url] ??= {})[verb] = { ...operation, operationId: uniqueId([route.subject, `${route.subject}.${verb}`]) };
    }
  }
  return { paths, schemas: builder.schemas };
}
