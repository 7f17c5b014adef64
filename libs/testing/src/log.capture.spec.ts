import { describe, expect, it } from 'vitest';
import { LogCapture } from './log.capture.js';

describe('LogCapture', () => {
  it('parses the JSON lines written to it, across chunk boundaries, and filters them', () => {
    const capture = new LogCapture();
    capture.write('{"a":1,"requestId":"x"}\n{"a":');
    capture.write('2}\nnot json\n');
    expect(capture.lines()).toEqual([{ a: 1, requestId: 'x' }, { a: 2 }]);
    expect(capture.where('requestId', 'x')).toEqual([{ a: 1, requestId: 'x' }]);
    capture.clear();
    expect(capture.text()).toBe('');
  });
});
