import type { Clock } from '@meshway/clock';
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
  const { clock, timeoutMs, intervalMs, signal } = options;
  const started = clock.monotonic();
  let last: string;
  for (;;) {
    signal?.throwIfAborted();
    const outcome = await attempt(url, options);
    if (outcome === true) return clock.monotonic() - started;
    last = outcome;
    signal?.throwIfAborted();
    if (clock.monotonic() - started + intervalMs > timeoutMs) break;
    await clock.sleep(intervalMs, signal);
  }
  const who = options.component === undefined ? '' : `${options.component}: `;
  throw new DevError(DevErrorCode.HealthTimeout, `${who}${url} did not answer 2xx within ${timeoutMs} ms (last: ${last}).`, {
    ...(options.component === undefined ? {} : { component: options.component }),
  });
}

/** `true` when healthy, else a short description of what came back. */
async function attempt(url: string, options: HealthWaitOptions): Promise<true | string> {
  const controller = new AbortController();
  const timer = options.clock.setTimeout(() => {
    controller.abort(new Error(`no answer within ${options.attemptTimeoutMs} ms`));
  }, options.attemptTimeoutMs);
  const onAbort = (): void => {
    controller.abort(options.signal?.reason);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const status = await options.probe(url, controller.signal);
    return status >= 200 && status < 300 ? true : `HTTP ${status}`;
  } catch (error) {
    return describe(error);
  } finally {
    options.clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
