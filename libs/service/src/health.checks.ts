import { systemClock, type Clock } from '@meshway/clock';

/** The result of one readiness check. */
export interface CheckResult {
  readonly status: 'up' | 'down';
  /** Why it is down (or a short note when up). */
  readonly message?: string;
}

/** A readiness check: resolves `up`/`down`; a throw or a timeout counts as `down`. */
export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** How long one check may take before it counts as down, so `/health` always answers. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

/**
 * The readiness checks behind `GET /health`. The service lib adds `nats` for NATS services;
 * an app adds its own (`checks.add('db', ...)`). The service is ready when every check is up.
 */
export class HealthChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
  ) {}

  /** Adds (or replaces) the check called `name`; returns a function that removes it. */
  add(name: string, check: ReadinessCheck): () => void {
    this.checks.set(name, check);
    return () => {
      if (this.checks.get(name) === check) this.checks.delete(name);
    };
  }

  /** Runs every check concurrently. */
  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all([...this.checks].map(async ([name, check]) => [name, await this.run(check)] as const));
    return { ready: entries.every(([, result]) => result.status === 'up'), checks: Object.fromEntries(entries) };
  }

  private async run(check: ReadinessCheck): Promise<CheckResult> {
    let timer: unknown;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = this.clock.setTimeout(() => {
        resolve({ status: 'down', message: `check did not answer within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(check), timeout]);
    } catch (error) {
      return { status: 'down', message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.clock.clearTimeout(timer);
    }
  }
}
