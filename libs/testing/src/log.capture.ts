/**
 * An in-memory log destination (pino's `DestinationStream` shape: `write(line)`), for asserting on
 * what a logger wrote: `createLogger({ service: 'x', destination: capture })`.
 */
export class LogCapture {
  private readonly chunks: string[] = [];

  write(chunk: string): void {
    this.chunks.push(chunk);
  }

  /** Everything written, as one string. */
  text(): string {
    return this.chunks.join('');
  }

  /** Every JSON line written, parsed (non-JSON lines are skipped). */
  lines(): Record<string, unknown>[] {
    return this.text()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Parsed lines whose `key` equals `value`, e.g. `capture.where('requestId', 'abc')`. */
  where(key: string, value: unknown): Record<string, unknown>[] {
    return this.lines().filter((line) => line[key] === value);
  }

  clear(): void {
    this.chunks.length = 0;
  }
}
