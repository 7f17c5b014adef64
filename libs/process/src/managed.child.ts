import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '@meshway/clock';
import { LineBuffer } from './line.buffer.js';
import { LineSplitter } from './line.splitter.js';
import { invalidOption, ProcessError, ProcessErrorCode } from './process.errors.js';
import { killGroup, type KillGroupOptions, type KillReport } from './process-group.js';

/** How to start a child with {@link spawnChild}. */
export interface SpawnChildOptions {
  /** Shown in messages, e.g. `users#2`. */
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
  /** The child's whole environment. Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Complete output lines kept for `output()` and `waitForLine()`; older ones are dropped. Default 1 000. */
  readonly keepLines?: number;
  /** Lines in `ChildExit.lastLines` and in error messages. Default 30. */
  readonly tailLines?: number;
  /** Called with each batch of complete lines from stdout or stderr as they arrive (never a partial line). */
  readonly onLines?: (lines: readonly string[]) => void;
  /** Time source for `waitForLine` timeouts and `kill` grace periods. Default `systemClock`. */
  readonly clock?: Clock;
}

/** How a child ended. */
export interface ChildExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (`could not start: …`). */
  readonly error?: string;
  /** Its last `tailLines` lines, oldest first. */
  readonly lastLines: readonly string[];
}

/** Options of {@link ManagedChild.waitForLine}. */
export interface WaitForLineOptions {
  /** Default 30 000 ms: a cold TypeScript start on a busy machine takes seconds. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** After 'exit', how long to wait for the pipes to drain (a grandchild may hold them open). */
const DRAIN_MS = 250;
const DEFAULT_WAIT_MS = 30_000;

/**
 * A process started in its own process group (so one group signal reaches its grandchildren, and a
 * terminal's Ctrl-C reaches only the parent), its output split into lines and its last lines kept.
 */
export class ManagedChild {
  /** Undefined when the command could not be spawned (then `exited` resolves with `error`). */
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  private readonly process: ChildProcess;
  private readonly lines: LineBuffer;
  private readonly splitters: LineSplitter[] = [];
  private readonly events = new EventEmitter();
  private readonly tailLines: number;
  private readonly clock: Clock;
  private ended: ChildExit | undefined;

  constructor(readonly options: SpawnChildOptions) {
    this.tailLines = count('tailLines', options.tailLines ?? 30);
    this.lines = new LineBuffer(Math.max(count('keepLines', options.keepLines ?? 1_000), this.tailLines));
    this.clock = options.clock ?? systemClock;
    this.process = spawn(options.command, [...(options.args ?? [])], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.process.pid;
    this.pipe(this.process.stdout);
    this.pipe(this.process.stderr);
    this.exited = this.watchExit();
  }

  get name(): string {
    return this.options.name;
  }

  /** How it ended, once it has (after its output drained). */
  get exit(): ChildExit | undefined {
    return this.ended;
  }

  /** True once the process has exited or failed to spawn, even before its output drained. */
  get hasExited(): boolean {
    return this.ended !== undefined || this.process.exitCode !== null || this.process.signalCode !== null || this.pid === undefined;
  }

  /** The kept output (stdout and stderr lines in arrival order), plus any line still being written. */
  output(): string {
    const partials = this.splitters.map((s) => s.partial).filter((p) => p !== '');
    const lines = this.lines.all();
    return lines.join('\n') + (lines.length > 0 ? '\n' : '') + partials.join('\n');
  }

  /** The last `count` lines (default `tailLines`), oldest first. */
  lastLines(count = this.tailLines): string[] {
    return this.lines.last(count);
  }

  /** Resolves with the first line matching `pattern`, already printed or to come (a line still being written counts). */
  waitForLine(pattern: RegExp, options: WaitForLineOptions = {}): Promise<string> {
    const { timeoutMs = DEFAULT_WAIT_MS, signal } = options;
    const wanted = `line matching ${String(pattern)}`;
    return new Promise((resolve, reject) => {
      const stop = (): void => {
        this.clock.clearTimeout(timer);
        this.events.off('lines', check).off('exit', check);
        signal?.removeEventListener('abort', onAbort);
      };
      const check = (): void => {
        const line = this.find(pattern);
        if (line === undefined && !this.ended) return;
        stop();
        if (line !== undefined) resolve(line);
        else reject(new ProcessError(ProcessErrorCode.Exited, this.explain(`exited before printing a ${wanted}`)));
      };
      const onAbort = (): void => {
        stop();
        reject(signal?.reason as Error);
      };
      const timer = this.clock.setTimeout(() => {
        stop();
        reject(new ProcessError(ProcessErrorCode.Timeout, this.explain(`printed no ${wanted} within ${timeoutMs} ms`)));
      }, timeoutMs);
      this.events.on('lines', check).on('exit', check);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      else check();
    });
  }

  /**
   * Ends its whole process group (SIGTERM, SIGKILL after the grace; see `killGroup`) and resolves once
   * the child has exited. A child that already ended, group and all, is left alone.
   */
  async kill(options: KillGroupOptions = {}): Promise<KillReport> {
    if (this.pid === undefined) return { found: false, escalated: false, survivors: [] };
    const report = await killGroup(this.pid, { clock: this.clock, ...options });
    if (!report.survivors.includes(this.pid)) await this.exited;
    return report;
  }

  /** `<name> (pid <pid>) <what> [exit code …, signal …]. Last <n> lines of output:\n…`, for error messages. */
  explain(what: string): string {
    const status = this.ended ? ` [exit code ${String(this.ended.code)}, signal ${String(this.ended.signal)}]` : '';
    const tail = [...this.lastLines(), ...this.splitters.map((s) => s.partial).filter((p) => p !== '')].slice(-this.tailLines);
    return `${this.name} (pid ${String(this.pid)}) ${what}${status}. Last ${this.tailLines} lines of output:\n${tail.join('\n')}`;
  }

  private find(pattern: RegExp): string | undefined {
    return this.lines.find(pattern) ?? this.splitters.map((s) => s.partial).find((p) => p !== '' && p.search(pattern) !== -1);
  }

  private pipe(stream: Readable | null): void {
    if (!stream) return;
    const splitter = new LineSplitter();
    this.splitters.push(splitter);
    stream.on('data', (chunk: Buffer) => {
      this.take(splitter.push(chunk));
    });
  }

  private take(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.lines.add(lines);
    this.options.onLines?.(lines);
    this.events.emit('lines');
  }

  private watchExit(): Promise<ChildExit> {
    return new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, error?: string): void => {
        if (this.ended) return;
        for (const splitter of this.splitters) this.take(splitter.flush());
        if (error !== undefined) this.lines.add([error]);
        this.ended = { name: this.name, code, signal, ...(error === undefined ? {} : { error }), lastLines: this.lastLines() };
        this.events.emit('exit');
        resolve(this.ended);
      };
      this.process.on('error', (error) => {
        // Only a failed spawn ends the child here; a failed kill() of a live child is not its exit.
        if (this.pid === undefined) finish(null, null, `could not start: ${error.message}`);
      });
      this.process.once('close', finish);
      this.process.once('exit', (code, signal) => {
        // A grandchild may hold the pipes open: don't wait for 'close' longer than it takes to drain.
        setTimeout(() => {
          finish(code, signal);
        }, DRAIN_MS).unref();
      });
    });
  }
}

/** Starts `options.command` in a new process group with its output captured. */
export function spawnChild(options: SpawnChildOptions): ManagedChild {
  return new ManagedChild(options);
}

/** A one-line description of an exit: "exited with code 3", "was killed by SIGKILL", "could not start: …". */
export function describeExit(exit: ChildExit): string {
  if (exit.error !== undefined) return exit.error;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

function count(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalidOption('spawnChild option', option, value, 'an integer ≥ 1');
  return value;
}
