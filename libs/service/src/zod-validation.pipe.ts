import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseInput } from './input.parser.js';

/**
 * Validates a controller argument with a zod schema: `@Body(new ZodValidationPipe(createUserSchema))`.
 * Bad input → 400 `VALIDATION_FAILED` with field errors (through `ApiErrorFilter`).
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.output<S> {
    return parseInput(this.schema, value, metadata.type === 'custom' ? 'input' : metadata.type);
  }
}
