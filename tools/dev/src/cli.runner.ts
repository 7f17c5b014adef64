import { resolve } from 'node:path';
import { parseCliArgs, USAGE, type CliArgs } from './args.parser.js';
import { formatBanner } from './banner.printer.js';
import { DevError, DevErrorCode } from './dev.errors.js';
import { shouldColor, type LineSink } from './log.prefixer.js';
import { describeExit, type ChildExit } from '@meshway/process';
import { startPlatform, type PlatformHandle } from './platform.starter.js';

/** What the CLI talks to; `process` in production. */
export interface CliIo {
  readonly stdout: LineSink & { readonly isTTY?: boolean };
  readonly stderr: LineSink;
  readonly env: NodeJS.ProcessEnv;
  /** Monotonic ms, to tell a duplicate signal from a second Ctrl-C. */
  readonly now: () => number;
  /** Subscribes to SIGINT/SIGTERM/SIGHUP and to our own exit; returns the unsubscribe. */
  readonly onSignals: (handler: (signal: NodeJS.Signals) => void, onExit: () => void) => () => void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/**
 * Under `npm start`, one Ctrl-C reaches us twice: from the terminal (we share its process group) and
 * forwarded by npm a moment later. A repeat within this window is that echo, not a second Ctrl-C.
 */
export const DUPLICATE_SIGNAL_MS = 500;

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => performance.now(),
  onSignals: (handler, onExit) => {
    // SIGHUP too: a closed terminal must not kill us before we stop the children (they are detached).
    for (const signal of STOP_SIGNALS) process.on(signal, handler);
    process.on('exit', onExit);
    return () => {
      for (const signal of STOP_SIGNALS) process.off(signal, handler);
      process.off('exit', onExit);
    };
  },
};

/**
 * `npm start`: parse flags, start the platform, print the banner, run until Ctrl-C (exit 0) or until a
 * component crash-loops (exit 1; one that exits now and then is restarted). Bad flags exit 2. A second
 * Ctrl-C kills everything at once.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return reportError(io, error);
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const interrupt = new AbortController();
  const force = new AbortController();
  let stopRequested: (signal: NodeJS.Signals) => void = () => undefined;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => (stopRequested = resolve));
  let firstSignalAt = 0;
  const unsubscribe = io.onSignals(
    (signal) => {
      if (!interrupt.signal.aborted) {
        firstSignalAt = io.now();
        interrupt.abort();
        stopRequested(signal);
      } else if (io.now() - firstSignalAt >= DUPLICATE_SIGNAL_MS) {
        io.stderr.write(`meshway: ${signal} again: killing everything now\n`);
        force.abort();
      }
    },
    () => {
      force.abort(); // we are exiting: nothing we started may outlive us
    },
  );
  try {
    return await run(args, io, interrupt.signal, force.signal, stopSignal);
  } finally {
    unsubscribe();
  }
}

async function run(args: CliArgs, io: CliIo, interrupt: AbortSignal, force: AbortSignal, stopSignal: Promise<NodeJS.Signals>): Promise<number> {
  const color = shouldColor(io.env, io.stdout.isTTY);
  let handle: PlatformHandle;
  try {
    handle = await startPlatform({
      env: io.env,
      output: io.stdout,
      color,
      signal: interrupt,
      forceStop: force,
      replicas: args.replicas,
      canary: args.canary,
      ...(args.only ? { only: args.only } : {}),
      ...(args.timeoutMs === undefined ? {} : { timeoutMs: args.timeoutMs }),
      ...(args.appsDir === undefined ? {} : { appsDir: resolve(args.appsDir) }), // relative to where the user stands
    });
  } catch (error) {
    return reportError(io, error);
  }
  force.addEventListener('abort', () => {
    handle.killNow();
  });
  io.stdout.write(formatBanner(handle.banner, color));
  return runUntilStopped(handle, io, stopSignal);
}

/** Waits for a stop signal (exit 0) or a component the restart policy gave up on (exit 1), then stops everything. */
async function runUntilStopped(handle: PlatformHandle, io: CliIo, stopSignal: Promise<NodeJS.Signals>): Promise<number> {
  const outcome = await Promise.race([handle.unexpectedExit, stopSignal]);
  const stopping = Date.now();
  if (typeof outcome !== 'string') reportDeath(io, outcome);
  else io.stdout.write(`meshway: ${outcome} received: stopping everything\n`);
  const report = await handle.stop();
  if (report.killed.length > 0) io.stdout.write(`meshway: killed after the grace period: ${report.killed.join(', ')}\n`);
  if (report.survivors.length > 0) io.stderr.write(`meshway: still alive after SIGKILL: ${report.survivors.join(', ')}\n`);
  io.stdout.write(`meshway: stopped in ${Date.now() - stopping} ms\n`);
  return typeof outcome === 'string' ? 0 : 1;
}

function reportDeath(io: CliIo, exit: ChildExit): void {
  io.stderr.write(`meshway: ${exit.name} ${describeExit(exit)} after start: stopping everything [${DevErrorCode.ChildDied}]\n`);
  writeLastLines(io, exit.name, exit.lastLines);
}

function reportError(io: CliIo, error: unknown): number {
  if (!(error instanceof DevError)) {
    io.stderr.write(`meshway: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
  if (error.code === DevErrorCode.Interrupted) {
    io.stdout.write('meshway: start interrupted; everything started was stopped\n');
    return error.exitCode;
  }
  io.stderr.write(`meshway: ${error.message} [${error.code}]\n`);
  const { component, lastLines } = error.details;
  if (component !== undefined) writeLastLines(io, component, lastLines ?? []);
  return error.exitCode;
}

function writeLastLines(io: CliIo, name: string, lines: readonly string[]): void {
  if (lines.length === 0) {
    io.stderr.write(`meshway: ${name} printed nothing\n`);
    return;
  }
  io.stderr.write(`meshway: last ${lines.length} lines of ${name}:\n${lines.map((l) => `  ${name} | ${l}`).join('\n')}\n`);
}
