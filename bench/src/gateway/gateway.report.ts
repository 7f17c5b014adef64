/** One target's medians. Latencies in ms. */
export interface TargetResult {
  readonly name: string;
  readonly rps: number;
  /** autocannon's p50/p99 at the throughput run's concurrency (whole ms). */
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU time of the target's processes per request, µs (null for the upstream itself). */
  readonly cpuUsPerRequest: number | null;
  /** Precise latency at moderate load (`moderateConnections` in flight). */
  readonly moderateP50: number;
  readonly moderateP99: number;
  /** Precise p50 at 1 request in flight. */
  readonly singleP50: number;
  /** req/s of each round, for judging the spread. */
  readonly runs: readonly number[];
}

export interface GatewayBenchResult {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly node: string; readonly loadAverage: number };
  /** 1-minute load average when the measurements ended. */
  readonly loadAverageAtEnd: number;
  readonly settings: Readonly<Record<string, string | number>>;
  readonly targets: readonly TargetResult[];
  readonly nats: {
    readonly bareP50: number;
    readonly bareP99: number;
    readonly viaGatewayP50: number;
    readonly viaGatewayP99: number;
    /** The smallest node:http → NATS bridge (floor.server.ts MODE=nats), for what any HTTP→NATS hop costs here. */
    readonly bridgeFloorP50: number;
    readonly bridgeFloorP99: number;
  };
}

/** Names of the gateway variants measured beside the default one, for the ratios the issues ask for. */
export const VARIANTS = {
  plain: 'Meshway gateway',
  policiesOff: 'Meshway gateway, resilience policies off',
  secured: 'Meshway gateway + RS256 JWT (cached) + Redis rate limit',
  securedInMemory: 'Meshway gateway + RS256 JWT (cached) + memory rate limit',
} as const;

const ms = (value: number): string => value.toFixed(3);

/**
 * `a / b` of two targets' req/s, named; undefined when either is missing. Each round measures every target back to back,
 * so a round's ratio compares two targets under the same machine weather; the median of those ratios is what counts (a
 * neighbour slowing one round down moves both sides). The ratio of the medians is printed beside it.
 */
function ratio(targets: readonly TargetResult[], a: string, b: string, goal: number): string | undefined {
  const x = targets.find((t) => t.name === a);
  const y = targets.find((t) => t.name === b);
  if (x === undefined || y === undefined) return undefined;
  const perRound = x.runs.map((rps, i) => rps / (y.runs[i] ?? Number.NaN)).filter(Number.isFinite);
  const value = median(perRound);
  const rounds = perRound.map((r) => r.toFixed(2)).join(', ');
  return `${a} / ${b}: ${value.toFixed(2)} (goal ≥ ${goal.toFixed(2)}${value >= goal ? ', met' : ', NOT met'}; rounds ${rounds}; ratio of medians ${(x.rps / y.rps).toFixed(2)})`;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
}

/** Prints the comparison tables (markdown, so they paste into notes as they are). */
export function printReport(result: GatewayBenchResult): void {
  const reference = result.targets.find((t) => t.name === '@fastify/http-proxy')?.rps ?? Number.NaN;
  const direct = result.targets.find((t) => t.name.startsWith('direct'));
  const header = ['target', 'req/s', '× http-proxy', 'p50 ms', 'p99 ms', 'CPU µs/req', `p50 @${result.settings.moderateConnections}`, `p99 @${result.settings.moderateConnections}`, 'added p99', 'p50 @1', 'errors'];
  const lines = result.targets.map((t) => [
    t.name, t.rps.toFixed(0), (t.rps / reference).toFixed(2), String(t.p50), String(t.p99), t.cpuUsPerRequest === null ? '—' : t.cpuUsPerRequest.toFixed(1),
    ms(t.moderateP50), ms(t.moderateP99), direct && t !== direct ? `+${ms(t.moderateP99 - direct.moderateP99)}` : '—', ms(t.singleP50), String(t.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const out = [
    `Gateway benchmark — ${result.machine.cpus} CPU ${result.machine.model}, Node ${result.machine.node}, load average ${result.machine.loadAverage} → ${result.loadAverageAtEnd}, ${JSON.stringify(result.settings)}`,
    row(header, widths),
    row(widths.map((w) => '-'.repeat(w)), widths),
    ...lines.map((l) => row(l, widths)),
    '',
    ...[
      ratio(result.targets, VARIANTS.plain, VARIANTS.policiesOff, 0.95),
      ratio(result.targets, VARIANTS.secured, VARIANTS.plain, 0.85),
      ratio(result.targets, VARIANTS.secured, '@fastify/http-proxy', 0.9),
      ratio(result.targets, VARIANTS.securedInMemory, VARIANTS.plain, 0.85),
    ].flatMap((line) => (line === undefined ? [] : [line])),
    '',
    `HTTP→NATS at 1 in flight: p50 ${ms(result.nats.viaGatewayP50)} ms via the gateway vs ${ms(result.nats.bareP50)} ms bare NATS request-reply ` +
      `(${(result.nats.viaGatewayP50 / result.nats.bareP50).toFixed(2)}×); p99 ${ms(result.nats.viaGatewayP99)} vs ${ms(result.nats.bareP99)} ms. ` +
      `Minimal node:http → NATS bridge: p50 ${ms(result.nats.bridgeFloorP50)} ms (${(result.nats.bridgeFloorP50 / result.nats.bareP50).toFixed(2)}× bare)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
