/** How many lines of a process's output are kept (older lines are dropped). */
const MAX_LINES = 20_000;

/** The output of a process as lines, plus the line still being written. */
export class OutputLog {
  private readonly lines: string[] = [];
  private partial = '';

  append(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  /** The first line (complete, or the one being written) that matches. */
  find(pattern: RegExp): string | undefined {
    const found = this.lines.find((line) => line.search(pattern) !== -1);
    if (found !== undefined) return found;
    return this.partial.search(pattern) !== -1 ? this.partial : undefined;
  }

  text(): string {
    return this.lines.join('\n') + (this.lines.length > 0 ? '\n' : '') + this.partial;
  }

  /** The last `count` lines, for error messages. */
  tail(count = 30): string {
    const all = this.partial === '' ? this.lines : [...this.lines, this.partial];
    return all.slice(-count).join('\n');
  }
}
