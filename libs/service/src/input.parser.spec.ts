import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './api-error.js';
import { parseInput } from './input.parser.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

const order = z.object({ userId: z.string().min(1), items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })).min(1) });

function rejection(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput(order, { userId: 'u1', items: [{ sku: 'a', qty: 2 }], extra: true })).toEqual({ userId: 'u1', items: [{ sku: 'a', qty: 2 }] });
  });

  it('throws 400 VALIDATION_FAILED listing every bad field by dotted path', () => {
    const error = rejection(() => parseInput(order, { userId: '', items: [{ sku: 'a', qty: 0 }] }));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'Invalid request body: userId, items.0.qty' });
    expect(error.details).toEqual([
      { field: 'userId', message: expect.any(String) },
      { field: 'items.0.qty', message: expect.any(String) },
    ]);
    expect(error.toBody('req-1')).toEqual({ error: { code: 'VALIDATION_FAILED', message: error.message, details: error.details, requestId: 'req-1' } });
  });

  it('names the whole input when it is not even an object', () => {
    const error = rejection(() => parseInput(order, null, 'params'));
    expect(error.message).toBe('Invalid request params: params');
    expect(error.details).toEqual([{ field: '', message: expect.any(String) }]);
  });
});

describe('ZodValidationPipe', () => {
  it('validates a controller argument and names it in the message', () => {
    const pipe = new ZodValidationPipe(z.object({ id: z.string().regex(/^\d+$/) }));
    expect(pipe.transform({ id: '7' }, { type: 'param' })).toEqual({ id: '7' });
    expect(rejection(() => pipe.transform({ id: 'x' }, { type: 'param' })).message).toBe('Invalid request param: id');
  });
});
