import { z } from 'zod';
import type { ErrorBody } from './api-error.js';

/**
 * The error shape every Meshway service answers with (`ApiErrorFilter`), for documents:
 * `@ApiZodResponse(404, errorBodySchema)`, `@PatternDoc({ responses: { 404: errorBodySchema } })`.
 * One `ErrorBody` component, however many answers use it.
 */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable code to switch on, e.g. `VALIDATION_FAILED`, `USER_NOT_FOUND`.' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional().meta({ description: 'The fields that failed validation.' }),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'ErrorBody', description: 'What every error answer carries.' }) satisfies z.ZodType<ErrorBody>;
