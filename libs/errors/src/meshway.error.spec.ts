import { describe, expect, it } from 'vitest';
import { errorMessage, invalidOptionMessage, isMeshwayError, MeshwayError, showValue } from './index.js';

const SampleCode = { Broken: 'MESHWAY_SAMPLE_BROKEN', Gone: 'MESHWAY_SAMPLE_GONE' } as const;
type SampleCode = (typeof SampleCode)[keyof typeof SampleCode];
class SampleError extends MeshwayError<SampleCode> {
  override readonly name = 'SampleError';
}

describe('MeshwayError', () => {
  it('carries a stable code, its subclass name and the cause', () => {
    const cause = new Error('disk');
    const error = new SampleError(SampleCode.Broken, 'it broke', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(MeshwayError);
    expect(error.code).toBe('MESHWAY_SAMPLE_BROKEN');
    expect(error.name).toBe('SampleError');
    expect(error.cause).toBe(cause);
  });

  it('is recognised by isMeshwayError, optionally by code', () => {
    const error = new SampleError(SampleCode.Gone, 'gone');
    expect(isMeshwayError(error)).toBe(true);
    expect(isMeshwayError(error, SampleCode.Gone)).toBe(true);
    expect(isMeshwayError(error, SampleCode.Broken)).toBe(false);
    expect(isMeshwayError(new Error('plain'))).toBe(false);
    expect(isMeshwayError({ code: 'MESHWAY_SAMPLE_GONE' })).toBe(false);
  });
});

describe('showValue', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [42, '42'],
    [true, 'true'],
    ['fast', '"fast"'],
    [[1, 2], 'an array'],
    [{ secret: 'x' }, 'object'],
  ])('shows %j as %s', (value, shown) => {
    expect(showValue(value)).toBe(shown);
  });

  it('cuts long strings', () => {
    expect(showValue('x'.repeat(500))).toHaveLength(203);
  });
});

describe('messages', () => {
  it('names the option, the value and what is allowed', () => {
    expect(invalidOptionMessage('gateway option', 'port', 'abc', 'an integer from 0 to 65535')).toBe(
      'Invalid gateway option port: got "abc"; allowed: an integer from 0 to 65535',
    );
  });

  it('reads the message of anything thrown', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('text')).toBe('text');
  });
});
