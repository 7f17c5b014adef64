import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, freePort } from '@meshway/testing';
import { autocannon, timedLoop, type Latency, type Throughput } from './load.generator.js';
import { natsRequestLoop } from './nats.latency.js';
import { groupCpuSeconds } from './process.stats.js';
import { printReport, type GatewayBenchResult, type TargetResult } from './gateway.report.js';
import { machine } from './system.info.js';
import { NATS_SUBJECT, startFloor, startHttpProxy, startMeshway, startNatsResponder, startNginx, startUpstream, type Target } from './targets.js';

/** Options of {@link runGatewayBench}; each has an env override for `npm run bench -- gateway`. */
export interface GatewayBenchOptions {
  /** Seconds per throughput run (autocannon `-d`). Env BENCH_DURATION, default 5. */
  readonly durationSec?: number;
  /** Connections per throughput run (autocannon `-c`). Env BENCH_CONNECTIONS, default 50. */
  readonly connections?: number;
  /** Interleaved rounds; the median is reported. Env BENCH_ROUNDS, default 3. */
  readonly rounds?: number;
  /** In-flight requests for the "moderate load" latency run. Default 10. */
  readonly moderateConnections?: number;
  readonly natsUrl?: string;
  /** Where the JSON result goes. Default bench/results/gateway.json. */
  readonly resultFile?: string;
}

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

interface Samples {
  throughput: Throughput[];
  cpuUsPerRequest: number[];
  moderate: Latency[];
  single: Latency[];
}

async function measureThroughput(target: Target, connections: number, seconds: number): Promise<{ result: Throughput; cpuUs: number }> {
  const pid = target.process?.pid;
  const before = pid === undefined ? 0 : await groupCpuSeconds(pid);
  const result = await autocannon(target.url, connections, seconds);
  const after = pid === undefined ? 0 : await groupCpuSeconds(pid);
  return { result, cpuUs: result.requests > 0 ? ((after - before) * 1e6) / result.requests : Number.NaN };
}

/** Runs every target once per round, in the same order, so drift in the machine hits them alike. */
async function interleave(targets: Target[], rounds: number, run: (target: Target, samples: Samples) => Promise<void>, samples: Map<Target, Samples>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) await run(target, samples.get(target)!);
  }
}

function summarise(target: Target, s: Samples): TargetResult {
  return {
    name: target.name,
    rps: median(s.throughput.map((t) => t.rps)),
    p50: median(s.throughput.map((t) => t.p50)),
    p99: median(s.throughput.map((t) => t.p99)),
    errors: s.throughput.reduce((sum, t) => sum + t.errors, 0),
    cpuUsPerRequest: target.name.startsWith('direct') ? null : median(s.cpuUsPerRequest),
    moderateP50: median(s.moderate.map((l) => l.p50)),
    moderateP99: median(s.moderate.map((l) => l.p99)),
    singleP50: median(s.single.map((l) => l.p50)),
    runs: s.throughput.map((t) => t.rps),
  };
}

/**
 * The gateway benchmark: one run, every target in its own process in front of the same Fastify upstream
 * (1 KB JSON), interleaved rounds, medians. Prints a table and writes bench/results/gateway.json.
 */
export async function runGatewayBench(options: GatewayBenchOptions = {}): Promise<GatewayBenchResult> {
  const seconds = options.durationSec ?? envNumber('BENCH_DURATION', 5);
  const connections = options.connections ?? envNumber('BENCH_CONNECTIONS', 50);
  const rounds = options.rounds ?? envNumber('BENCH_ROUNDS', 3);
  const moderate = options.moderateConnections ?? 10;
  const natsUrl = options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const latencySeconds = Math.min(seconds, 3);
  const before = machine();
  const upstream = await startUpstream();
  const started: Target[] = [upstream];
  try {
    const [proxy, meshway, nginx, floorNode, floorFastify] = await Promise.all([
      startHttpProxy(upstream), startMeshway(upstream, natsUrl), freePort().then((port) => startNginx(upstream, port)),
      startFloor(upstream, 'node'), startFloor(upstream, 'fastify'),
    ]);
    const responder = await startNatsResponder(natsUrl);
    started.push(proxy, meshway.http, floorNode, floorFastify, ...(nginx ? [nginx] : []), { name: 'nats-responder', url: '', process: responder });
    const targets = [upstream, meshway.http, proxy, ...(nginx ? [nginx] : []), floorNode, floorFastify];
    const samples = new Map<Target, Samples>(targets.map((t) => [t, { throughput: [], cpuUsPerRequest: [], moderate: [], single: [] }]));
    for (const target of targets) await autocannon(target.url, connections, 1); // warm-up (JIT, pools)
    await autocannon(meshway.nats.url, 1, 1);
    await interleave(targets, rounds, async (target, s) => {
      const { result, cpuUs } = await measureThroughput(target, connections, seconds);
      s.throughput.push(result);
      s.cpuUsPerRequest.push(cpuUs);
    }, samples);
    await interleave(targets, rounds, async (target, s) => {
      s.moderate.push(await timedLoop(target.url, moderate, latencySeconds));
      s.single.push(await timedLoop(target.url, 1, latencySeconds));
    }, samples);
    const nats = { bare: [] as Latency[], viaGateway: [] as Latency[] };
    for (let round = 0; round < rounds; round++) {
      nats.bare.push(await natsRequestLoop(natsUrl, NATS_SUBJECT, latencySeconds));
      nats.viaGateway.push(await timedLoop(meshway.nats.url, 1, latencySeconds));
    }
    const result: GatewayBenchResult = {
      date: new Date().toISOString(),
      machine: before,
      loadAverageAtEnd: machine().loadAverage,
      settings: { connections, seconds, rounds, moderateConnections: moderate, latencySeconds, nginx: nginx ? 'nginx 1 worker' : 'not available' },
      targets: targets.map((t) => summarise(t, samples.get(t)!)),
      nats: {
        bareP50: median(nats.bare.map((l) => l.p50)),
        bareP99: median(nats.bare.map((l) => l.p99)),
        viaGatewayP50: median(nats.viaGateway.map((l) => l.p50)),
        viaGatewayP99: median(nats.viaGateway.map((l) => l.p99)),
      },
    };
    printReport(result);
    const file = options.resultFile ?? join(REPO_ROOT, 'bench', 'results', 'gateway.json');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await Promise.all(started.flatMap((t) => (t.process ? [t.process.kill('SIGTERM', 3_000)] : [])));
  }
}
