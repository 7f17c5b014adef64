import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, freePort, spawnTs } from '@meshway/testing';
import { runFanout, type FanoutResult } from './fanout.bench.js';
import { runKvThroughput, type KvThroughputResult } from './kv-throughput.bench.js';

/** Options of {@link runRegistryBench}; env overrides in brackets. */
export interface RegistryBenchOptions {
  /** Blocking watchers on one service [BENCH_WATCHERS, 1000]. */
  readonly watchers?: number;
  /** Writes to that service, each timed until the last watcher wakes [BENCH_FANOUT_WRITES, 20]. */
  readonly fanoutWrites?: number;
  /** Sequential KV PUTs [BENCH_KV_SEQUENTIAL, 300]. */
  readonly kvSequential?: number;
  /** KV PUTs at concurrency 50 [BENCH_KV_CONCURRENT, 5000]. */
  readonly kvConcurrent?: number;
  /** Default bench/results/registry.json. */
  readonly resultFile?: string;
}

export interface RegistryBenchResult {
  readonly date: string;
  readonly machine: { cpus: number; model: string; node: string; loadAverage: number };
  readonly fanout: FanoutResult;
  readonly kv: { sequential: KvThroughputResult; concurrent: KvThroughputResult };
}

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** `npm run bench -- registry`: the registry in its own process, fresh data dir, fsync on. */
export async function runRegistryBench(options: RegistryBenchOptions = {}): Promise<RegistryBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshway-registry-bench-'));
  const port = await freePort();
  const base = new URL(`http://127.0.0.1:${port}`);
  const registry = spawnTs('apps/registry/src/main.ts', { name: 'registry', env: { REGISTRY_PORT: String(port), REGISTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  try {
    await registry.waitForHttp(`${base.origin}/health`, 30_000);
    const fanout = await runFanout(base, { registryPid: registry.pid, watchers: options.watchers ?? envNumber('BENCH_WATCHERS', 1_000), writes: options.fanoutWrites ?? envNumber('BENCH_FANOUT_WRITES', 20) });
    const sequential = await runKvThroughput(base, 1, options.kvSequential ?? envNumber('BENCH_KV_SEQUENTIAL', 300));
    const concurrent = await runKvThroughput(base, 50, options.kvConcurrent ?? envNumber('BENCH_KV_CONCURRENT', 5_000));
    const result: RegistryBenchResult = { date: new Date().toISOString(), machine: machine(), fanout, kv: { sequential, concurrent } };
    printReport(result);
    const file = options.resultFile ?? join(REPO_ROOT, 'bench', 'results', 'registry.json');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten: ${file}`);
    return result;
  } finally {
    await registry.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function machine(): RegistryBenchResult['machine'] {
  const list = cpus();
  return { cpus: list.length, model: list[0]?.model ?? 'unknown', node: process.version, loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)) };
}

function printReport(result: RegistryBenchResult): void {
  const { fanout, kv, machine: m } = result;
  console.log(`\nRegistry benchmark — ${m.cpus} × ${m.model}, Node ${m.node}, load average ${m.loadAverage}`);
  console.log(`\nBlocking-query fan-out: ${fanout.watchers} watchers on one service, ${fanout.writes} timed writes after ${fanout.warmupWrites} warm-up writes (goal: p99 ≤ 100 ms to the last watcher)`);
  console.log(`registry CPU per write cycle (write + ${fanout.watchers} wake-ups + ${fanout.watchers} re-parked requests): ${fanout.registryCpuMsPerWrite} ms`);
  console.table({
    'write → last watcher woken (ms)': fanout.lastWokenMs,
    'write → first watcher woken (ms)': fanout.firstWokenMs,
    'first → last watcher (fan-out alone, ms)': fanout.spreadMs,
    'write acknowledged, fsync included (ms)': fanout.writeAckMs,
  });
  console.log('\nKV PUT with fsync before every reply');
  console.table({
    sequential: { 'writes/s': kv.sequential.writesPerSec, 'p50 ms': kv.sequential.latencyMs.p50, 'p99 ms': kv.sequential.latencyMs.p99, writes: kv.sequential.writes },
    'concurrency 50': { 'writes/s': kv.concurrent.writesPerSec, 'p50 ms': kv.concurrent.latencyMs.p50, 'p99 ms': kv.concurrent.latencyMs.p99, writes: kv.concurrent.writes },
  });
}
