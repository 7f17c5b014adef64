import { HttpClient, percentile, round } from './http.client.js';
import { cpuSeconds } from './process.cpu.js';
import { RawWatcher } from './raw.watcher.js';

export interface FanoutOptions {
  readonly watchers: number;
  readonly writes: number;
  /** Untimed writes first, so the wake path is JIT-compiled before it is measured. Default 3. */
  readonly warmupWrites?: number;
  /** The registry's pid, to read its CPU time (load-independent cost of a fan-out). */
  readonly registryPid?: number;
}

export interface FanoutResult {
  readonly watchers: number;
  readonly writes: number;
  readonly warmupWrites: number;
  /** Per write: ms from sending the write to the last watcher holding its answer. */
  readonly lastWokenMs: { p50: number; p99: number; max: number };
  /** Per write: ms from sending the write to the first watcher holding its answer. */
  readonly firstWokenMs: { p50: number; p99: number; max: number };
  /** Per write: ms from the first to the last watcher woken — the fan-out itself, without the write's fsync. */
  readonly spreadMs: { p50: number; p99: number; max: number };
  /** Per write: ms until the write itself was acknowledged (fsync included). */
  readonly writeAckMs: { p50: number; p99: number; max: number };
  /** Registry CPU per write cycle: the write, waking every watcher, and taking their next blocking request. */
  readonly registryCpuMsPerWrite: number;
  readonly samplesLastWokenMs: number[];
}

const SERVICE = 'bench-fanout';

/**
 * N watchers hold `GET /v1/health/service/x?index=…` on one service; each write to that service must
 * wake all of them. Measures, per write, the time until the last watcher has its new answer.
 */
export async function runFanout(base: URL, options: FanoutOptions): Promise<FanoutResult> {
  const control = new HttpClient(base, 4);
  const watchers: RawWatcher[] = [];
  try {
    await register(control, 0);
    const start = (await control.send('GET', `/v1/health/service/${SERVICE}`)).index;
    const received = Array.from({ length: options.watchers }, () => new Map<number, number>());
    for (const log of received) {
      watchers.push(new RawWatcher(base.hostname, Number(base.port), `/v1/health/service/${SERVICE}`, start, (index, at) => log.set(index, at)));
    }
    await parked(control, options.watchers);
    const last: number[] = [];
    const first: number[] = [];
    const acks: number[] = [];
    const warmup = options.warmupWrites ?? 3;
    for (let write = 1; write <= warmup; write++) {
      await register(control, write);
      await waitAllPast(received, write);
      await parked(control, options.watchers);
    }
    const cpuBefore = options.registryPid === undefined ? Number.NaN : cpuSeconds(options.registryPid);
    for (let write = warmup + 1; write <= warmup + options.writes; write++) {
      const sent = performance.now();
      const ack = await register(control, write);
      acks.push(ack - sent);
      const index = await waitAllPast(received, write);
      const times = received.map((log) => log.get(index) ?? Number.NaN);
      last.push(Math.max(...times) - sent);
      first.push(Math.min(...times) - sent);
      await parked(control, options.watchers);
    }
    const cpuAfter = options.registryPid === undefined ? Number.NaN : cpuSeconds(options.registryPid);
    const summary = (values: number[]) => ({ p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(Math.max(...values)) });
    return { watchers: options.watchers, writes: options.writes, warmupWrites: warmup, lastWokenMs: summary(last), firstWokenMs: summary(first), spreadMs: summary(last.map((l, i) => l - (first[i] ?? 0))), writeAckMs: summary(acks), registryCpuMsPerWrite: round(((cpuAfter - cpuBefore) * 1000) / options.writes), samplesLastWokenMs: last.map((v) => round(v)) };
  } finally {
    for (const watcher of watchers) watcher.stop();
    control.close();
  }
}

async function register(client: HttpClient, revision: number): Promise<number> {
  const body = JSON.stringify({ Name: SERVICE, ID: `${SERVICE}-1`, Port: 9000, Tags: [`rev-${revision}`] });
  const reply = await client.send('PUT', '/v1/agent/service/register', body);
  if (reply.status !== 200) throw new Error(`register answered ${reply.status}: ${reply.body}`);
  return reply.at;
}

/** Resolves once every watcher has received an answer for write number `write` (their first new index). */
async function waitAllPast(received: Map<number, number>[], write: number): Promise<number> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const latest = received.map((log) => (log.size >= write ? Math.max(...log.keys()) : 0));
    if (latest.every((i) => i > 0) && new Set(latest).size === 1) return latest[0] ?? 0;
    if (performance.now() > deadline) throw new Error(`watchers did not all wake for write ${write}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Polls the registry until `count` blocking queries are parked (agent/self Stats.meshway.blocked_queries). */
async function parked(client: HttpClient, count: number): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const self = JSON.parse((await client.send('GET', '/v1/agent/self')).body) as { Stats: { meshway: { blocked_queries: string } } };
    if (Number(self.Stats.meshway.blocked_queries) >= count) return;
    if (performance.now() > deadline) throw new Error(`only ${self.Stats.meshway.blocked_queries} of ${count} watchers parked`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
