import { describe, expect, it } from 'vitest';
import { LineSplitter, LogPrefixer, shouldColor } from './log.prefixer.js';

function sink(): { writes: string[]; write(text: string): void } {
  const writes: string[] = [];
  return { writes, write: (text: string) => writes.push(text) };
}

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

describe('LogPrefixer', () => {
  it('writes "name | line", padding names to one width, one write per batch of whole lines', () => {
    const out = sink();
    const prefixer = new LogPrefixer(out, { color: false, width: 7 });
    prefixer.writeLines(prefixer.prefixFor('users#2'), ['one', 'two']);
    prefixer.writeLines(prefixer.prefixFor('gateway'), ['three']);
    prefixer.writeLines(prefixer.prefixFor('orders'), []);
    expect(out.writes).toEqual(['users#2 | one\nusers#2 | two\n', 'gateway | three\n']);
  });

  it('never interleaves two processes mid-line when their chunks alternate', () => {
    const out = sink();
    const prefixer = new LogPrefixer(out, { color: false, width: 5 });
    const a = { prefix: prefixer.prefixFor('a'), lines: new LineSplitter() };
    const b = { prefix: prefixer.prefixFor('b'), lines: new LineSplitter() };
    for (const [who, chunk] of [[a, 'alpha '], [b, 'beta '], [a, 'one\nalpha two'], [b, 'one\n'], [a, '\n']] as const) {
      prefixer.writeLines(who.prefix, who.lines.push(chunk));
    }
    expect(out.writes.join('')).toBe('a     | alpha one\nb     | beta one\na     | alpha two\n');
  });

  it('gives each process its own colour when colour is on', () => {
    const prefixer = new LogPrefixer(sink(), { color: true, width: 5 });
    const first = prefixer.prefixFor('users');
    const second = prefixer.prefixFor('users');
    expect(first).toBe('\u001b[36musers |\u001b[0m ');
    expect(second).toBe('\u001b[33musers |\u001b[0m ');
  });
});

describe('shouldColor', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{}, undefined, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, false, true],
  ])('env %j on a TTY=%s → %s', (env, isTTY, expected) => {
    expect(shouldColor(env, isTTY)).toBe(expected);
  });
});
