import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is emitted in pieces, so a child that never writes "\n" cannot grow memory. */
const MAX_LINE = 64 * 1024;

/**
 * Turns a byte stream into whole lines: keeps the partial tail of each chunk until its newline arrives,
 * decodes UTF-8 across chunk boundaries, and drops the `\r` of `\r\n`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';

  push(chunk: Buffer | string): string[] {
    const text = this.tail + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.tail = parts.pop() ?? '';
    if (this.tail.length > MAX_LINE) {
      parts.push(this.tail);
      this.tail = '';
    }
    return parts.map(stripCr);
  }

  /** The line being written (no newline yet), as far as it has arrived. */
  get partial(): string {
    return stripCr(this.tail);
  }

  /** The last partial line (when the stream ends without a newline). */
  flush(): string[] {
    const rest = this.tail + this.decoder.end();
    this.tail = '';
    return rest === '' ? [] : [stripCr(rest)];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
