import { isMeshwayError } from '@meshway/errors';
import { ProcessErrorCode, spawnChild, waitFor, type ManagedChild } from '@meshway/process';
import { trackGroup, untrackGroup, untrackIfGone } from './orphan.guard.js';
import { asTestingError, TestingError, TestingErrorCode } from './testing.errors.js';

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
  /** stdout + stderr so far (whole lines in arrival order, then any line still being written). */
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
/** Tests read whole outputs (`output()`); keep far more than a log tail. */
const KEEP_LINES = 20_000;
/** Every process started here that `kill()`/`stopAllProcesses()` has not stopped yet. */
const started = new Set<ManagedProcess>();

/** The test-facing face of a `ManagedChild` from `@meshway/process`: testing's error codes, a pid always set. */
class ChildProcessHandle implements ManagedProcess {
  readonly exited: Promise<ProcessExit>;

  constructor(
    private readonly child: ManagedChild,
    readonly pid: number,
  ) {
    this.exited = child.exited.then(({ code, signal }) => ({ code, signal }));
  }

  get name(): string {
    return this.child.name;
  }

  output(): string {
    return this.child.output();
  }

  async waitForLine(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    try {
      return await this.child.waitForLine(pattern, { timeoutMs });
    } catch (error) {
      throw asTestingError(error);
    }
  }

  async waitForHttp(url: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    let last = 'no answer yet';
    const exitedFirst = new AbortController();
    void this.child.exited.then(() => {
      exitedFirst.abort(new TestingError(TestingErrorCode.ProcessExited, this.child.explain(`exited before ${url} answered 2xx (last: ${last})`)));
    });
    const answers = async (signal: AbortSignal): Promise<boolean> => {
      try {
        const response = await fetch(url, { signal });
        await response.body?.cancel();
        if (response.ok) return true;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = describeFetchError(error);
      }
      return false;
    };
    try {
      await waitFor(answers, { timeoutMs, intervalMs: 50, attemptTimeoutMs: 2_000, signal: exitedFirst.signal });
    } catch (error) {
      if (!isMeshwayError(error, ProcessErrorCode.Timeout)) throw error;
      throw new TestingError(TestingErrorCode.Timeout, this.child.explain(`${url} did not answer 2xx within ${timeoutMs} ms (last: ${last})`));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    await this.child.kill({ signal, graceMs, killWaitMs: 2_000 });
    untrackGroup(this.pid);
    started.delete(this);
    await this.exited;
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
  const child = spawnChild({
    name: options.name,
    command: options.command,
    args: options.args ?? [],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, ...options.env },
    keepLines: KEEP_LINES,
  });
  if (child.pid === undefined) {
    throw new TestingError(TestingErrorCode.SpawnFailed, `${options.name}: could not start ${options.command} (not found or not executable)`);
  }
  const pid = child.pid;
  trackGroup(pid);
  const handle = new ChildProcessHandle(child, pid);
  started.add(handle);
  void handle.exited.then(() => {
    untrackIfGone(pid);
  });
  return handle;
}

/** Kills every process started by `spawnProcess`/`spawnTs` (and their groups) and waits until they are gone. */
export async function stopAllProcesses(): Promise<void> {
  const all = [...started];
  started.clear();
  await Promise.all(all.map((p) => p.kill()));
}
