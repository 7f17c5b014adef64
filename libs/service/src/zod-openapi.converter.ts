import type { StandardSchemaConverter } from '@nestjs/swagger';
import { z } from 'zod';

/** A JSON Schema (draft 2020-12, what OpenAPI 3.1 uses) as a plain object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A schema ready for an OpenAPI document: refs point at `#/components/schemas/<id>`, which `components` holds. */
export interface OpenApiSchema {
  readonly schema: JsonSchema;
  readonly components: Readonly<Record<string, JsonSchema>>;
}

/** `input`: what a caller sends (before transforms, defaults optional). `output`: what a handler answers. */
export type SchemaSide = 'input' | 'output';

export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === '$ref' && typeof item === 'string' ? item.replace('#/$defs/', '#/components/schemas/') : toComponentRefs(item)]),
  );
}

/**
 * A zod schema as OpenAPI 3.1 wants it. Schemas named with `.meta({ id: 'Order' })` become components (`Order`), so a
 * type used in several places is described once. Types JSON cannot carry (a `Date`, a `bigint`) become `{}` rather than
 * failing the document.
 */
export function toOpenApiSchema(schema: z.ZodType, side: SchemaSide): OpenApiSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: side, unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema: _dialect, $defs = {}, ...rest } = json;
  return {
    schema: toComponentRefs(rest) as JsonSchema,
    components: toComponentRefs($defs) as Record<string, JsonSchema>,
  };
}

/**
 * For `SwaggerModule.createDocument`: zod schemas given to `@Body({ schema })`, `@ApiResponse({ standardSchema })` and
 * the `Zod…` decorators go through {@link toOpenApiSchema}, like the NATS patterns' schemas, so both sides of a service
 * read the same. Anything else is left to @nestjs/swagger.
 */
export const zodSchemaConverter: StandardSchemaConverter = (schema, { schemaType }) => {
  if (!isZodSchema(schema)) return undefined;
  const { schema: converted, components } = toOpenApiSchema(schema, schemaType);
  return { schema: converted, components };
};
