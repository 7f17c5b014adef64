import { setTimeout as sleep } from 'node:timers/promises';

/** Client-side tools for chaos suites: a steady request loop that records every outcome. */

/** One request's outcome; `status` 0 when no response came (connection error or client timeout). */
export interface Outcome {
  readonly path: string;
  readonly status: number;
  /** `error.code` of a JSON error body, or the client-side error. */
  readonly code: string | undefined;
  readonly ms: number;
  readonly instance: string | null;
  /** Wall-clock ms (Date.now()) when the request was sent. */
  readonly at: number;
}

/** Longest a single request may take before the client gives up (a hang is recorded as status 0, code "TimeoutError"). */
export const REQUEST_TIMEOUT_MS = 5_000;

/** Sends one GET and records what happened; never throws. */
export async function probe(baseUrl: string, path: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Outcome> {
  const at = Date.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    const code = response.status === 200 ? undefined : codeOf(text);
    return { path, status: response.status, code, ms: Date.now() - at, instance: response.headers.get('x-meshway-instance'), at };
  } catch (error) {
    const name = error instanceof Error ? error.name : String(error);
    return { path, status: 0, code: name, ms: Date.now() - at, instance: null, at };
  }
}

function codeOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Pause between one worker's requests: steady traffic without starving the processes under test of CPU. */
const DEFAULT_PAUSE_MS = 10;

/**
 * `workers` concurrent loops, each sending GETs to `paths` in turn (`pauseMs` apart) until `stop()`;
 * `stop()` resolves with every outcome once the requests in flight have finished.
 */
export class LoadLoop {
  private running = true;
  private readonly outcomes: Outcome[] = [];
  private readonly done: Promise<unknown>;

  constructor(
    private readonly baseUrl: string,
    private readonly paths: readonly string[],
    workers = 2,
    private readonly pauseMs = DEFAULT_PAUSE_MS,
  ) {
    this.done = Promise.all(Array.from({ length: workers }, (_, i) => this.worker(i)));
  }

  /** Outcomes so far (a copy). */
  get results(): readonly Outcome[] {
    return [...this.outcomes];
  }

  async stop(): Promise<readonly Outcome[]> {
    this.running = false;
    await this.done;
    return this.outcomes;
  }

  private async worker(offset: number): Promise<void> {
    for (let i = offset; this.running; i++) {
      this.outcomes.push(await probe(this.baseUrl, this.paths[i % this.paths.length] ?? '/'));
      await sleep(this.pauseMs);
    }
  }
}

/** Runs a {@link LoadLoop} for `durationMs` and returns its outcomes. */
export async function hammer(baseUrl: string, paths: readonly string[], durationMs: number, workers = 2): Promise<readonly Outcome[]> {
  const loop = new LoadLoop(baseUrl, paths, workers);
  await sleep(durationMs);
  return loop.stop();
}

/** The instance id a service reports at `/info` (the value of its `x-meshway-instance` header). */
export async function instanceIdOf(serviceUrl: string): Promise<string> {
  const response = await fetch(`${serviceUrl}/info`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return ((await response.json()) as { instance: string }).instance;
}

/** True when nothing listens at `url` any more (the connection is refused). */
export async function isRefused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}
