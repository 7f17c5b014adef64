import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutputLog } from './output.log.js';
import { groupRunning, signalGroup, trackGroup, untrackGroup, waitForGroupGone } from './process-group.js';
import { TestingError, TestingErrorCode } from './testing.errors.js';

/** How to start a process with {@link spawnProcess}. */
export interface ProcessOptions {
  /** Shown in error messages. */
  name: string;
  command: string;
  args?: string[];
  /** Added to (and overriding) the current environment. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process started in its own process group, with its output captured. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** stdout + stderr so far (interleaved as received). */
  output(): string;
  /** Resolves with the first output line matching `pattern` (already printed or to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Polls `url` until it answers 2xx. */
  waitForHttp(url: string, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<ProcessExit>;
  /** Signals the whole group, then SIGKILLs it if anything is left after `graceMs` (default 5 s). */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Generous: a cold `spawnTs` start on a busy 2-core CI machine takes seconds. */
const DEFAULT_WAIT_MS = 30_000;
/** Every process started here that `kill()`/`stopAllProcesses()` has not stopped yet. */
const started = new Set<ManagedProcess>();
/** After 'exit', how long to wait for the pipes to drain so the output tail holds the last words. */
const DRAIN_MS = 250;

class ChildProcessHandle implements ManagedProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  private readonly log = new OutputLog();
  private readonly events = new EventEmitter();
  private exit: ProcessExit | undefined;

  constructor(
    readonly name: string,
    child: ChildProcess & { pid: number },
  ) {
    this.pid = child.pid;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.log.append(chunk);
        this.events.emit('output');
      });
    }
    this.exited = this.watchExit(child);
  }

  output(): string {
    return this.log.text();
  }

  waitForLine(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const wanted = `line matching ${String(pattern)}`;
    return new Promise((resolve, reject) => {
      const stop = (): void => {
        clearTimeout(timer);
        this.events.off('output', check).off('exit', check);
      };
      const check = (): void => {
        const line = this.log.find(pattern);
        if (line === undefined && !this.exit) return;
        stop();
        if (line !== undefined) resolve(line);
        else reject(this.failure(TestingErrorCode.ProcessExited, `exited before printing a ${wanted}`));
      };
      const timer = setTimeout(() => {
        stop();
        reject(this.failure(TestingErrorCode.Timeout, `printed no ${wanted} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('output', check).on('exit', check);
      check();
    });
  }

  async waitForHttp(url: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exit) throw this.failure(TestingErrorCode.ProcessExited, `exited before ${url} answered 2xx (last: ${last})`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, Math.min(2_000, deadline - Date.now()))) });
        await response.body?.cancel();
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = describeFetchError(error);
      }
      await Promise.race([sleep(50), this.exited]);
    }
    throw this.failure(TestingErrorCode.Timeout, `${url} did not answer 2xx within ${timeoutMs} ms (last: ${last})`);
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    if (signalGroup(this.pid, signal) && !(await waitForGroupGone(this.pid, graceMs))) {
      signalGroup(this.pid, 'SIGKILL');
      await waitForGroupGone(this.pid, 2_000);
    }
    untrackGroup(this.pid);
    started.delete(this);
    await this.exited;
  }

  private async watchExit(child: ChildProcess): Promise<ProcessExit> {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    // A grandchild may hold the pipes open; don't wait for 'close' longer than it takes to drain.
    await Promise.race([once(child, 'close'), sleep(DRAIN_MS)]);
    this.exit = { code, signal };
    this.events.emit('exit');
    return this.exit;
  }

  private failure(code: TestingErrorCode, what: string): TestingError {
    const status = this.exit ? ` [exit code ${String(this.exit.code)}, signal ${String(this.exit.signal)}]` : '';
    return new TestingError(code, `${this.name} (pid ${this.pid}) ${what}${status}. Last 30 lines of output:\n${this.log.tail(30)}`);
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  return cause?.code ?? error.message;
}

/**
 * Starts `command` in a new process group (so `kill()` reaches its children too) with stdout/stderr
 * captured. Every group is SIGKILLed when this Node process exits; call `kill()` or `stopAllProcesses()` first.
 */
export function spawnProcess(options: ProcessOptions): ManagedProcess {
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    child.on('error', () => undefined);
    throw new TestingError(TestingErrorCode.SpawnFailed, `${options.name}: could not start ${options.command} (not found or not executable)`);
  }
  trackGroup(child.pid);
  const handle = new ChildProcessHandle(options.name, child as ChildProcess & { pid: number });
  started.add(handle);
  void handle.exited.then(() => {
    if (!groupRunning(handle.pid)) untrackGroup(handle.pid);
  });
  return handle;
}

/** Kills every process started by `spawnProcess`/`spawnTs` (and their groups) and waits until they are gone. */
export async function stopAllProcesses(): Promise<void> {
  const all = [...started];
  started.clear();
  await Promise.all(all.map((p) => p.kill()));
}
