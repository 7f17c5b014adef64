import { HttpClient, percentile, round } from './http.client.js';

export interface KvThroughputResult {
  readonly concurrency: number;
  readonly writes: number;
  readonly writesPerSec: number;
  readonly latencyMs: { p50: number; p99: number; max: number };
}

/** `PUT /v1/kv/bench/<n>` with `concurrency` writes in flight; every reply comes after fsync. */
export async function runKvThroughput(base: URL, concurrency: number, writes: number): Promise<KvThroughputResult> {
  const client = new HttpClient(base, concurrency);
  const latencies: number[] = [];
  let next = 0;
  const value = 'x'.repeat(256);
  const worker = async (): Promise<void> => {
    for (let n = next++; n < writes; n = next++) {
      const sent = performance.now();
      const reply = await client.send('PUT', `/v1/kv/bench/c${concurrency}/${n}`, value);
      if (reply.status !== 200 || reply.body !== 'true') throw new Error(`PUT answered ${reply.status}: ${reply.body}`);
      latencies.push(reply.at - sent);
    }
  };
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    return {
      concurrency,
      writes,
      writesPerSec: round(writes / seconds, 0),
      latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)) },
    };
  } finally {
    client.close();
  }
}
