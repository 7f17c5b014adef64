import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** Metadata key of {@link PatternDoc}, read at boot to describe the service's NATS routes. */
export const PATTERN_DOC = 'meshway:pattern-doc';

/**
 * What a `@MessagePattern` handler takes and answers, in terms of the HTTP request the gateway forwards to it (the
 * envelope's `body`, `query`, `params`). Every route the service announces for the pattern shows it in `/openapi.json`.
 */
export interface PatternDocOptions {
  readonly summary?: string;
  readonly description?: string;
  /** The JSON request body. */
  readonly body?: z.ZodType;
  /** The query string: an object schema, one query parameter per property. */
  readonly query?: z.ZodObject;
  /** The route's `:name` parameters: an object schema (default: each one a string). */
  readonly params?: z.ZodObject;
  /** The answers, by status: the body's schema, or `null` for none. E.g. `{ 201: orderSchema, 422: errorBodySchema }`. */
  readonly responses?: Readonly<Record<number, z.ZodType | null>>;
}

/**
 * Describes a NATS handler for the service's OpenAPI document:
 * `@PatternDoc({ summary: 'Create an order', body: createOrderSchema, responses: { 201: orderSchema } })`
 * beside its `@MessagePattern('orders.create')`. Documentation only: validate with `parseInput` as before.
 */
export function PatternDoc(options: PatternDocOptions): MethodDecorator {
  return SetMetadata(PATTERN_DOC, options);
}
