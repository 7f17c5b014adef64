import type { z } from 'zod';
import { ApiError, ApiErrorCode, type FieldError } from './api-error.js';

/** Lists zod issues as `{ field, message }`, `field` a dotted path (`items.0.qty`; empty for the input itself). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map((segment) => String(segment)).join('.'),
    message: issue.message,
  }));
}

/**
 * Validates `input` against `schema` and returns the parsed value, or throws an {@link ApiError}
 * 400 `VALIDATION_FAILED` listing every bad field. Works the same in HTTP controllers and NATS handlers.
 * `what` names the input in the message (`body`, `params`, `query`).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = fieldErrors(result.error);
  const fields = [...new Set(details.map((d) => d.field || what))].join(', ');
  throw new ApiError(400, ApiErrorCode.ValidationFailed, `Invalid request ${what}: ${fields}`, details);
}
