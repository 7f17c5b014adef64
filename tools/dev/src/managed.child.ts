import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LineSplitter, type LogPrefixer } from './log.prefixer.js';

/** How to run one process. */
export interface ChildSpec {
  /** Instance name used in log prefixes and messages, e.g. `users#2`. */
  readonly name: string;
  /** Start stage (0 registry, 1 services, 2 gateway); stopping goes from the highest stage down. */
  readonly stage: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** How a process ended. */
export interface ChildExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  readonly error?: string;
  readonly lastLines: readonly string[];
}

export const LAST_LINES = 20;
/** After `exit`, how long to wait for the pipes to drain (a grandchild may hold them open). */
const DRAIN_MS = 250;

/** A spawned process in its own process group, its output prefixed line by line, its last lines kept. */
export class ManagedChild {
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  private readonly process: ChildProcess;
  private readonly tail: string[] = [];
  private done = false;

  constructor(
    readonly spec: ChildSpec,
    prefixer: LogPrefixer,
  ) {
    // detached: the child leads a new process group, so one kill(-pid) reaches its grandchildren too,
    // and the terminal's Ctrl-C reaches only us: we decide the stop order.
    this.process = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.process.pid;
    const prefix = prefixer.prefixFor(spec.name);
    const flushers = [this.pipe(this.process.stdout, prefix, prefixer), this.pipe(this.process.stderr, prefix, prefixer)];
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, error?: string): void => {
        if (this.done) return;
        this.done = true;
        for (const flush of flushers) flush();
        if (error !== undefined) this.remember([error]);
        resolve({ name: spec.name, code, signal, ...(error === undefined ? {} : { error }), lastLines: this.lastLines() });
      };
      this.process.once('error', (error) => {
        finish(null, null, `could not start: ${error.message}`);
      });
      this.process.once('close', finish);
      this.process.once('exit', (code, signal) => {
        setTimeout(() => {
          finish(code, signal);
        }, DRAIN_MS).unref();
      });
    });
  }

  get name(): string {
    return this.spec.name;
  }

  /** True once the process has exited (or failed to spawn). */
  get hasExited(): boolean {
    return this.done || this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** The last {@link LAST_LINES} lines it printed, oldest first. */
  lastLines(): string[] {
    return [...this.tail];
  }

  private pipe(stream: Readable | null, prefix: string, prefixer: LogPrefixer): () => void {
    const splitter = new LineSplitter();
    const emit = (lines: string[]): void => {
      this.remember(lines);
      prefixer.writeLines(prefix, lines);
    };
    stream?.on('data', (chunk: Buffer) => {
      emit(splitter.push(chunk));
    });
    return () => {
      emit(splitter.flush());
    };
  }

  private remember(lines: readonly string[]): void {
    this.tail.push(...lines);
    if (this.tail.length > LAST_LINES) this.tail.splice(0, this.tail.length - LAST_LINES);
  }
}

/** A one-line description of an exit: "exited with code 3", "was killed by SIGKILL", "could not start: …". */
export function describeExit(exit: ChildExit): string {
  if (exit.error !== undefined) return exit.error;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}
