import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from '@meshway/clock';
import { MAX_REPLICAS, SEMVER } from './args.parser.js';
import { DevError, DevErrorCode } from './dev.errors.js';
import { shouldColor, type LineSink } from './log.prefixer.js';
import type { RestartPolicyOptions } from './restart.policy.js';

/**
 * After the platform is ready, an instance that exits is restarted after 0.5 s, doubling to 10 s, back to
 * 0.5 s once it stayed up 30 s; its 5th exit within 60 s stops everything (a crash loop is a bug to read, not to hide).
 */
export const RESTART_DEFAULTS: RestartPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  resetAfterMs: 30_000,
  maxCrashes: 5,
  crashWindowMs: 60_000,
};

/** Options of {@link startPlatform}; every one has a default (below, in `resolveDevOptions`). */
export interface DevOptions {
  /** Repository root: the children's working directory (swc reads `tsconfig.json` there). Default: this repo. */
  readonly rootDir?: string;
  /** Folder of apps to discover. Default: `<rootDir>/apps`. */
  readonly appsDir?: string;
  /** Start only these components (folder names). Default: all. */
  readonly only?: readonly string[];
  /** Instances per service, e.g. `{ users: 3 }`. Default: 1 each. */
  readonly replicas?: Readonly<Record<string, number>>;
  /** One more instance per service announcing another version (`SERVICE_VERSION`), e.g. `{ users: '2.0.0' }`. Default: none. */
  readonly canary?: Readonly<Record<string, string>>;
  /** Health timeout per component, ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** The parent environment children inherit (contract values in it win over defaults). Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where prefixed child logs and progress lines go. Default: `process.stdout`. */
  readonly output?: LineSink;
  /** Colour the prefixes. Default: FORCE_COLOR, else NO_COLOR, else whether stdout is a TTY. */
  readonly color?: boolean;
  /** Time source for health polling and stop deadlines. Default: `systemClock`. */
  readonly clock?: Clock;
  /** SIGTERM → SIGKILL grace when stopping, ms. Default 4 000. */
  readonly stopGraceMs?: number;
  /** Pause between health polls, ms. Default 100. */
  readonly healthIntervalMs?: number;
  /** When instances that exit after ready are restarted, and when a crash loop stops everything. Default {@link RESTART_DEFAULTS}. */
  readonly restart?: Partial<RestartPolicyOptions>;
  /** Aborting it interrupts the start: everything started is stopped and `MESHWAY_DEV_INTERRUPTED` thrown. */
  readonly signal?: AbortSignal;
  /** Aborting it SIGKILLs every process started so far, at once (a second Ctrl-C while starting). */
  readonly forceStop?: AbortSignal;
}

export interface ResolvedDevOptions {
  readonly rootDir: string;
  readonly appsDir: string;
  readonly only: readonly string[] | undefined;
  readonly replicas: Readonly<Record<string, number>>;
  readonly canary: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly output: LineSink;
  readonly color: boolean;
  readonly clock: Clock;
  readonly stopGraceMs: number;
  readonly healthIntervalMs: number;
  readonly restart: RestartPolicyOptions;
  readonly signal: AbortSignal | undefined;
  readonly forceStop: AbortSignal | undefined;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Fills defaults and validates; throws `MESHWAY_DEV_BAD_OPTIONS` naming the option, the value and what is allowed. */
export function resolveDevOptions(options: DevOptions = {}): ResolvedDevOptions {
  const rootDir = resolve(options.rootDir ?? REPO_ROOT);
  const env = options.env ?? process.env;
  for (const [name, count] of Object.entries(options.replicas ?? {})) {
    integer(`replicas.${name}`, count, 1, MAX_REPLICAS);
  }
  for (const [name, version] of Object.entries(options.canary ?? {})) {
    if (!SEMVER.test(version)) throw bad(`canary.${name}`, JSON.stringify(version), 'a semantic version such as 2.0.0 or 2.1.0-rc.1');
  }
  if (options.only?.length === 0) throw bad('only', '[]', 'at least one name (leave it out to start everything)');
  return {
    rootDir,
    appsDir: resolve(rootDir, options.appsDir ?? 'apps'),
    only: options.only,
    replicas: options.replicas ?? {},
    canary: options.canary ?? {},
    timeoutMs: integer('timeoutMs', options.timeoutMs ?? 30_000, 1, 600_000),
    env,
    output: options.output ?? process.stdout,
    color: options.color ?? shouldColor(env, process.stdout.isTTY),
    clock: options.clock ?? systemClock,
    stopGraceMs: integer('stopGraceMs', options.stopGraceMs ?? 4_000, 0, 60_000),
    healthIntervalMs: integer('healthIntervalMs', options.healthIntervalMs ?? 100, 10, 10_000),
    restart: resolveRestart(options.restart ?? {}),
    signal: options.signal,
    forceStop: options.forceStop,
  };
}

function resolveRestart(given: Partial<RestartPolicyOptions>): RestartPolicyOptions {
  const r = { ...RESTART_DEFAULTS, ...given };
  integer('restart.initialDelayMs', r.initialDelayMs, 1, 600_000);
  integer('restart.maxDelayMs', r.maxDelayMs, r.initialDelayMs, 600_000);
  integer('restart.resetAfterMs', r.resetAfterMs, 0, 3_600_000);
  integer('restart.maxCrashes', r.maxCrashes, 1, 1_000);
  integer('restart.crashWindowMs', r.crashWindowMs, 1, 3_600_000);
  return r;
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw bad(name, String(value), `an integer from ${min} to ${max}`);
  return value;
}

function bad(name: string, value: string, allowed: string): DevError {
  return new DevError(DevErrorCode.BadOptions, `startPlatform option ${name} = ${value} is not valid: expected ${allowed}.`);
}
