/** The last `keep` lines of a process's output, oldest first. */
export class LineBuffer {
  private lines: string[] = [];

  constructor(private readonly keep: number) {}

  add(lines: readonly string[]): void {
    this.lines.push(...lines);
    // Trim in batches, not per line: a chatty child must not make every write O(keep).
    if (this.lines.length > this.keep * 2) this.lines = this.lines.slice(-this.keep);
  }

  /** Every kept line, oldest first. */
  all(): string[] {
    return this.lines.length > this.keep ? this.lines.slice(-this.keep) : [...this.lines];
  }

  /** The last `count` lines. */
  last(count: number): string[] {
    return count <= 0 ? [] : this.lines.slice(-Math.min(count, this.keep));
  }

  /** The first kept line matching `pattern`. */
  find(pattern: RegExp): string | undefined {
    const start = Math.max(0, this.lines.length - this.keep);
    for (let i = start; i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line !== undefined && line.search(pattern) !== -1) return line;
    }
    return undefined;
  }
}
