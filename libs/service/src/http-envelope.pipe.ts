import { Injectable, type PipeTransform } from '@nestjs/common';
import type { HttpRequestEnvelope } from '@meshway/transport';
import { z } from 'zod';
import { ApiError, ApiErrorCode } from './api-error.js';
import { fieldErrors } from './input.parser.js';

const envelopeSchema = z.object({
  method: z.string().min(1),
  path: z.string(),
  params: z.record(z.string(), z.string()).default({}),
  query: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().transform((body) => body ?? null),
  bodyEncoding: z.enum(['json', 'base64']).optional(),
});

/**
 * Checks that a NATS payload is an {@link HttpRequestEnvelope} (what the gateway and MeshClient send) and fills
 * missing `params`/`query`/`headers` with `{}`: `@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope`.
 * Anything else → 400 `BAD_REQUEST` (through `ApiErrorFilter`), never a crash in the handler.
 */
@Injectable()
export class HttpEnvelopePipe implements PipeTransform<unknown, HttpRequestEnvelope> {
  transform(value: unknown): HttpRequestEnvelope {
    const result = envelopeSchema.safeParse(value);
    if (result.success) return result.data;
    throw new ApiError(400, ApiErrorCode.BadRequest, 'Payload is not an HTTP request envelope { method, path, params, query, headers, body }', fieldErrors(result.error));
  }
}
