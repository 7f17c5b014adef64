/** Where prefixed lines go (`process.stdout`, or a buffer in tests). */
export interface LineSink {
  write(text: string): unknown;
}

/** Distinct ANSI colours, one per process, reused in order when there are more processes. */
const PALETTE = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92, 94, 31] as const;

export interface LogPrefixerOptions {
  readonly color: boolean;
  /** Names are padded to this width so the `|` columns line up. */
  readonly width: number;
}

/** Writes each process's lines as `name | line`, whole lines only, one colour per process. */
export class LogPrefixer {
  private nextColor = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly options: LogPrefixerOptions,
  ) {}

  /** A prefix for `name`, taking the next colour. */
  prefixFor(name: string): string {
    const label = `${name.padEnd(this.options.width)} |`;
    if (!this.options.color) return `${label} `;
    const code = PALETTE[this.nextColor++ % PALETTE.length] ?? 0;
    return `\u001b[${code}m${label}\u001b[0m `;
  }

  /** Writes complete lines under `prefix` in one write, so lines of two processes never mix. */
  writeLines(prefix: string, lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.sink.write(lines.map((line) => prefix + line).join('\n') + '\n');
  }
}

/** Colour when FORCE_COLOR asks for it (not "0"/"false"), never with NO_COLOR, else only on a TTY. */
export function shouldColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true;
}
