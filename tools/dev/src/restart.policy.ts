/** When and how often an instance that exits after the platform is ready gets restarted. */
export interface RestartPolicyOptions {
  /** Wait before the first restart, ms; each further restart waits twice as long. */
  readonly initialDelayMs: number;
  /** The wait stops doubling here, ms. */
  readonly maxDelayMs: number;
  /** An instance healthy this long (ms) since its last (re)start starts over at `initialDelayMs` when it next exits. */
  readonly resetAfterMs: number;
  /** This many exits of one instance within `crashWindowMs` stop the whole platform instead. */
  readonly maxCrashes: number;
  readonly crashWindowMs: number;
}

/** What to do about one exit. */
export type CrashVerdict =
  | { readonly restart: true; readonly attempt: number; readonly delayMs: number }
  | { readonly restart: false; readonly crashes: number };

/**
 * One instance's restart bookkeeping (no timers: the caller waits). Backoff doubles per consecutive
 * restart and resets once the instance stayed healthy `resetAfterMs`; too many exits in the window → give up.
 */
export class RestartPolicy {
  private attempts = 0;
  private healthySince: number | undefined;
  private crashTimes: number[] = [];

  /** `healthyAt`: when the instance became healthy (monotonic ms). */
  constructor(
    private readonly options: RestartPolicyOptions,
    healthyAt: number,
  ) {
    this.healthySince = healthyAt;
  }

  /** The instance exited at `now`. */
  crashed(now: number): CrashVerdict {
    const { maxCrashes, crashWindowMs, resetAfterMs, initialDelayMs, maxDelayMs } = this.options;
    this.crashTimes = [...this.crashTimes.filter((at) => now - at < crashWindowMs), now];
    if (this.crashTimes.length >= maxCrashes) return { restart: false, crashes: this.crashTimes.length };
    if (this.healthySince !== undefined && now - this.healthySince >= resetAfterMs) this.attempts = 0;
    this.healthySince = undefined;
    this.attempts += 1;
    return { restart: true, attempt: this.attempts, delayMs: Math.min(maxDelayMs, initialDelayMs * 2 ** (this.attempts - 1)) };
  }

  /** A restart turned healthy at `now`. */
  healthy(now: number): void {
    this.healthySince = now;
  }
}

/** The banner's one line about restarts. */
export function describeRestartPolicy(options: RestartPolicyOptions): string {
  const s = (ms: number): string => `${ms / 1_000} s`;
  return (
    `Restarts: a component that exits is restarted after ${s(options.initialDelayMs)}, doubling to ${s(options.maxDelayMs)} ` +
    `(back to ${s(options.initialDelayMs)} once up ${s(options.resetAfterMs)}); ${options.maxCrashes} exits within ${s(options.crashWindowMs)} stop everything`
  );
}
