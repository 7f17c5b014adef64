import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line.splitter.js';

describe('LineSplitter', () => {
  it('emits only whole lines, holding a partial line until its newline arrives', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('hel')).toEqual([]);
    expect(splitter.push('lo\nwor')).toEqual(['hello']);
    expect(splitter.push('ld\n\nlast')).toEqual(['world', '']);
    expect(splitter.flush()).toEqual(['last']);
    expect(splitter.flush()).toEqual([]);
  });

  it('drops the \\r of \\r\\n, even when split across chunks', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\r')).toEqual([]);
    expect(splitter.push('\nb\r\n')).toEqual(['a', 'b']);
  });

  it('decodes a UTF-8 character split between two chunks', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('café ✓\n');
    expect(splitter.push(bytes.subarray(0, 4))).toEqual([]);
    expect(splitter.push(bytes.subarray(4, 7))).toEqual([]);
    expect(splitter.push(bytes.subarray(7))).toEqual(['café ✓']);
  });

  it('passes JSON log lines through untouched', () => {
    const splitter = new LineSplitter();
    const json = '{"level":30,"msg":"listening","port":3000}';
    expect(splitter.push(json.slice(0, 10))).toEqual([]);
    expect(splitter.push(`${json.slice(10)}\n`)).toEqual([json]);
  });

  it('cuts a line that grows past 64 KiB without a newline, so memory stays bounded', () => {
    const splitter = new LineSplitter();
    const lines = splitter.push('x'.repeat(70_000));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(70_000);
  });
});

describe('LineSplitter.partial', () => {
  it('shows the line being written until its newline arrives', () => {
    const splitter = new LineSplitter();
    splitter.push('ready\nServer is rea');
    expect(splitter.partial).toBe('Server is rea');
    splitter.push('dy\r\n');
    expect(splitter.partial).toBe('');
  });
});
