import { STATUS_CODES } from 'node:http';
import { Body, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe.js';

/*
 * One zod schema both validates an argument and describes it in the service's `/openapi.json`: Nest 12's parameter
 * decorators carry a Standard Schema (`{ schema }`), which @nestjs/swagger reads, and the pipe checks it.
 */

/** The JSON body, validated by `schema` (400 `VALIDATION_FAILED` with field errors) and documented as the request body. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return Body({ schema, pipes: [new ZodValidationPipe(schema)] });
}

/** The query string as an object, validated by `schema` (an object schema); each property is a documented query parameter. */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  return Query({ schema, pipes: [new ZodValidationPipe(schema)] });
}

/** The path parameters as an object, validated by `schema` (an object schema); each property is a documented path parameter. */
export function ZodParams(schema: z.ZodObject): ParameterDecorator {
  return Param({ schema, pipes: [new ZodValidationPipe(schema)] });
}

/**
 * Documents one answer of a handler: `@ApiZodResponse(200, userSchema)`, `@ApiZodResponse(404, errorBodySchema)`,
 * `@ApiZodResponse(204)` (no body). The description defaults to the status text (`Created`).
 */
export function ApiZodResponse(status: number, schema?: z.ZodType, description?: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description: description ?? STATUS_CODES[status] ?? String(status), ...(schema === undefined ? {} : { standardSchema: schema }) });
}
