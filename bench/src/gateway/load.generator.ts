import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { Pool } from 'undici';

const run = promisify(execFile);
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export interface Throughput {
  readonly rps: number;
  /** autocannon's latency percentiles (whole milliseconds). */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly errors: number;
}

/** autocannon in its own process (so the load generator never shares an event loop with a target). */
export async function autocannon(url: string, connections: number, seconds: number, headers: Readonly<Record<string, string>> = {}): Promise<Throughput> {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const { stdout } = await run(process.execPath, [AUTOCANNON, '-c', String(connections), '-d', String(seconds), ...headerArgs, '--json', url], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, errors: result.errors + result.non2xx };
}

export interface Latency {
  /** Milliseconds, microsecond precision. */
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}

export function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), count: sorted.length };
}

/**
 * `concurrency` keep-alive connections, each sending its next request as soon as the last one ends,
 * for `seconds`; every latency measured with performance.now() (autocannon rounds to whole ms).
 */
export async function timedLoop(url: string, concurrency: number, seconds: number, headers: Readonly<Record<string, string>> = {}): Promise<Latency> {
  const { origin, pathname, search } = new URL(url);
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const started = performance.now();
      try {
        const res = await pool.request({ path: pathname + search, method: 'GET', headers });
        await res.body.dump();
        if (res.statusCode === 200) samples.push(performance.now() - started);
      } catch {
        // A failing target shows as fewer samples (NaN when none), not as a crashed benchmark.
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  return percentiles(samples);
}
