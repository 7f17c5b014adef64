import type { Clock } from '@meshway/clock';
import { isMeshwayError } from '@meshway/errors';
import { ProcessErrorCode, waitFor } from '@meshway/process';
import { DevError, DevErrorCode } from './dev.errors.js';

/** One health request: resolves the HTTP status, rejects on a connection error or when `signal` aborts. */
export type HealthProbe = (url: string, signal: AbortSignal) => Promise<number>;

export interface HealthWaitOptions {
  readonly clock: Clock;
  readonly probe: HealthProbe;
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Pause between attempts (ms). */
  readonly intervalMs: number;
  /** A single attempt is abandoned after this long (ms), so a hung server cannot stall the wait. */
  readonly attemptTimeoutMs: number;
  /** Stops waiting (e.g. the process exited, or Ctrl-C); the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Instance name, for the timeout error. */
  readonly component?: string;
}

/**
 * Polls `url` until it answers 2xx and resolves the time waited (ms). Throws `MESHWAY_DEV_HEALTH_TIMEOUT`
 * with the last answer or error once `timeoutMs` has passed.
 */
export async function waitForHealth(url: string, options: HealthWaitOptions): Promise<number> {
  const { clock, timeoutMs, intervalMs, attemptTimeoutMs, signal } = options;
  const started = clock.monotonic();
  const healthy = async (attempt: AbortSignal): Promise<true> => {
    const status = await options.probe(url, attempt);
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
    return true;
  };
  try {
    await waitFor(healthy, { clock, timeoutMs, intervalMs, attemptTimeoutMs, ...(signal ? { signal } : {}), message: url });
  } catch (error) {
    if (!isMeshwayError(error, ProcessErrorCode.Timeout)) throw error;
    const who = options.component === undefined ? '' : `${options.component}: `;
    throw new DevError(DevErrorCode.HealthTimeout, `${who}${url} did not answer 2xx within ${timeoutMs} ms (last: ${describe(error.cause)}).`, {
      ...(options.component === undefined ? {} : { component: options.component }),
    });
  }
  return clock.monotonic() - started;
}

/** `ECONNREFUSED`, `HTTP 503`, `no answer within 2000 ms`… */
function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return error === undefined ? 'no answer' : JSON.stringify(error);
}
