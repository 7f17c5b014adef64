import { describe, expect, it } from 'vitest';
import { LineSplitter } from '@meshway/process';
import { LogPrefixer, shouldColor } from './log.prefixer.js';

function sink(): { writes: string[]; write(text: string): void } {
  const writes: string[] = [];
  return { writes, write: (text: string) => writes.push(text) };
}

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
