import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { REPO_ROOT, TestIssuer, freePort } from '@meshway/testing';
import { autocannon, timedLoop, type Latency, type Throughput } from './load.generator.js';
import { natsRequestLoop } from './nats.latency.js';
import { groupCpuSeconds } from './process.stats.js';
import { median, printReport, VARIANTS, type GatewayBenchResult, type TargetResult } from './gateway.report.js';
import { machine } from './system.info.js';
import { NATS_SUBJECT, startFloor, startHttpProxy, startMeshway, startNatsResponder, startNginx, startUpstream, type MeshwayVariant, type Target } from './targets.js';

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

interface Samples {
  throughput: Throughput[];
  cpuUsPerRequest: number[];
  moderate: Latency[];
  single: Latency[];
}

async function measureThroughput(target: Target, connections: number, seconds: number): Promise<{ result: Throughput; cpuUs: number }> {
  const pid = target.process?.pid;
  const before = pid === undefined ? 0 : await groupCpuSeconds(pid);
  const result = await autocannon(target.url, connections, seconds, target.headers);
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

interface Lineup {
  readonly all: Target[];
  /** HTTP proxies measured for throughput and latency, the upstream first. */
  readonly http: Target[];
  readonly natsViaGateway: Target;
  readonly natsBridge: Target;
  readonly nginx: boolean;
}

/**
 * Gateway variants measured beside the default one in the same run: `BENCH_BASELINE=<checkout>` adds the gateway of
 * another checkout (e.g. `git worktree add /tmp/before <ref> && (cd /tmp/before && npm ci)`) for before/after ratios.
 */
async function gatewayVariants(issuer: TestIssuer): Promise<MeshwayVariant[]> {
  const baseline = process.env.BENCH_BASELINE;
  const token = await issuer.sign('bench-client', 'items:read');
  const jwks = issuer.auth();
  return [
    // Issue #8: the default resilience policies (retries, budget, breaker, outlier ejection) against none.
    { name: VARIANTS.policiesOff, routeFields: 'retries: false, budget: false, breaker: false, outlier: false' },
    // Issue #9: an RS256 JWT (verified once, then from the cache) and a Redis rate limit on every request.
    {
      name: VARIANTS.secured,
      extraYaml: `auth:\n  jwt:\n    - { issuer: "${jwks.issuer}", audiences: ["${jwks.audiences.join('", "')}"], algorithms: [${jwks.algorithms.join(', ')}], jwksUrl: "${jwks.jwksUrl}" }\n`,
      routeFields: 'auth: jwt, scopes: [items:read], rateLimit: { points: 1000000000, durationSec: 60, by: consumer }',
      env: { GATEWAY_RATE_LIMIT_STORE: 'redis', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      headers: { authorization: `Bearer ${token}` },
    },
    // The same with the limit counted in the gateway's memory: what Redis's round trip (and its CPU on this machine) costs.
    {
      name: VARIANTS.securedInMemory,
      extraYaml: `auth:\n  jwt:\n    - { issuer: "${jwks.issuer}", audiences: ["${jwks.audiences.join('", "')}"], algorithms: [${jwks.algorithms.join(', ')}], jwksUrl: "${jwks.jwksUrl}" }\n`,
      routeFields: 'auth: jwt, scopes: [items:read], rateLimit: { points: 1000000000, durationSec: 60, by: consumer }',
      env: { GATEWAY_RATE_LIMIT_STORE: 'memory' },
      headers: { authorization: `Bearer ${token}` },
    },
    ...(baseline ? [{ name: `Meshway gateway (${basename(baseline)} checkout)`, root: baseline }] : []),
  ];
}

/** Starts every target, each in its own process group (nginx only when installed). */
async function startLineup(natsUrl: string, issuer: TestIssuer): Promise<Lineup> {
  const upstream = await startUpstream();
  const all: Target[] = [upstream];
  try {
    const variantsToStart = await gatewayVariants(issuer);
    const [proxy, meshway, nginx, floorNode, floorFastify, bridge, ...variants] = await Promise.all([
      startHttpProxy(upstream), startMeshway(upstream, natsUrl), freePort().then((port) => startNginx(upstream, port)),
      startFloor(upstream, 'node'), startFloor(upstream, 'fastify'), startFloor(upstream, 'nats', natsUrl),
      ...variantsToStart.map((variant) => startMeshway(upstream, natsUrl, variant)),
    ]);
    const variantTargets = variants.map((v) => v.http);
    all.push(proxy, meshway.http, floorNode, floorFastify, bridge, ...variantTargets, ...(nginx ? [nginx] : []));
    all.push({ name: 'nats-responder', url: '', process: await startNatsResponder(natsUrl) });
    const http = [upstream, meshway.http, ...variantTargets, proxy, ...(nginx ? [nginx] : []), floorNode, floorFastify];
    return { all, http, natsViaGateway: meshway.nats, natsBridge: bridge, nginx: nginx !== undefined };
  } catch (error) {
    await stopLineup(all);
    throw error;
  }
}

async function stopLineup(targets: readonly Target[]): Promise<void> {
  await Promise.all(targets.flatMap((t) => (t.process ? [t.process.kill('SIGTERM', 3_000)] : [])));
}

async function measureHttp(lineup: Lineup, settings: Settings): Promise<TargetResult[]> {
  const samples = new Map<Target, Samples>(lineup.http.map((t) => [t, { throughput: [], cpuUsPerRequest: [], moderate: [], single: [] }]));
  for (const target of lineup.http) await autocannon(target.url, settings.connections, 1, target.headers); // warm-up (JIT, pools, token cache)
  await interleave(lineup.http, settings.rounds, async (target, s) => {
    const { result, cpuUs } = await measureThroughput(target, settings.connections, settings.seconds);
    s.throughput.push(result);
    s.cpuUsPerRequest.push(cpuUs);
  }, samples);
  await interleave(lineup.http, settings.rounds, async (target, s) => {
    s.moderate.push(await timedLoop(target.url, settings.moderateConnections, settings.latencySeconds, target.headers));
    s.single.push(await timedLoop(target.url, 1, settings.latencySeconds, target.headers));
  }, samples);
  return lineup.http.map((t) => summarise(t, samples.get(t)!));
}

async function measureNats(lineup: Lineup, settings: Settings): Promise<GatewayBenchResult['nats']> {
  await timedLoop(lineup.natsViaGateway.url, 1, 1);
  await timedLoop(lineup.natsBridge.url, 1, 1);
  const bare: Latency[] = [];
  const viaGateway: Latency[] = [];
  const bridge: Latency[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    bare.push(await natsRequestLoop(settings.natsUrl, NATS_SUBJECT, settings.latencySeconds));
    viaGateway.push(await timedLoop(lineup.natsViaGateway.url, 1, settings.latencySeconds));
    bridge.push(await timedLoop(lineup.natsBridge.url, 1, settings.latencySeconds));
  }
  const p = (list: Latency[], key: 'p50' | 'p99'): number => median(list.map((l) => l[key]));
  return {
    bareP50: p(bare, 'p50'), bareP99: p(bare, 'p99'),
    viaGatewayP50: p(viaGateway, 'p50'), viaGatewayP99: p(viaGateway, 'p99'),
    bridgeFloorP50: p(bridge, 'p50'), bridgeFloorP99: p(bridge, 'p99'),
  };
}

interface Settings {
  readonly connections: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly moderateConnections: number;
  readonly latencySeconds: number;
  readonly natsUrl: string;
}

function settingsOf(options: GatewayBenchOptions): Settings {
  const seconds = options.durationSec ?? envNumber('BENCH_DURATION', 5);
  return {
    seconds,
    connections: options.connections ?? envNumber('BENCH_CONNECTIONS', 50),
    rounds: options.rounds ?? envNumber('BENCH_ROUNDS', 3),
    moderateConnections: options.moderateConnections ?? 10,
    latencySeconds: Math.min(seconds, 3),
    natsUrl: options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  };
}

/**
 * The gateway benchmark: one run, every target in its own process in front of the same Fastify upstream
 * (1 KB JSON), interleaved rounds, medians. Prints a table and writes bench/results/gateway.json.
 */
export async function runGatewayBench(options: GatewayBenchOptions = {}): Promise<GatewayBenchResult> {
  const settings = settingsOf(options);
  const before = machine();
  const issuer = await TestIssuer.start({ issuer: 'https://bench.meshway.test' });
  const lineup = await startLineup(settings.natsUrl, issuer).catch(async (error: unknown) => {
    await issuer.close();
    throw error;
  });
  try {
    const targets = await measureHttp(lineup, settings);
    const nats = await measureNats(lineup, settings);
    const { natsUrl: _natsUrl, ...shown } = settings;
    const result: GatewayBenchResult = {
      date: new Date().toISOString(),
      machine: before,
      loadAverageAtEnd: machine().loadAverage,
      settings: { ...shown, nginx: lineup.nginx ? 'nginx 1 worker' : 'not available' },
      targets,
      nats,
    };
    printReport(result);
    const file = options.resultFile ?? join(REPO_ROOT, 'bench', 'results', 'gateway.json');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await stopLineup(lineup.all);
    await issuer.close();
  }
}
