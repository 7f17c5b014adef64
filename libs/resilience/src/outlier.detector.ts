import type { Clock } from '@meshway/clock';
import type { AttemptOutcome } from './outcome.js';

export interface OutlierOptions {
  /** 5xx answers in a row that eject an instance. Default 5. */
  readonly consecutive5xx?: number;
  /** Timeouts or broken connections in a row that eject it. Default 3. */
  readonly consecutiveGatewayFailures?: number;
  /** Refused connections (or failed handshakes) in a row that eject it. Default 1: a killed instance leaves at once. */
  readonly consecutiveConnectFailures?: number;
  /** First ejection, ms; the n-th lasts n times as long, up to `maxEjectionMs`. Default 5,000. */
  readonly baseEjectionMs?: number;
  readonly maxEjectionMs?: number;
  /** Most instances ejected at once, percent (at least one always stays). Default 50. */
  readonly maxEjectionPercent?: number;
}

export const OUTLIER_DEFAULTS = { consecutive5xx: 5, consecutiveGatewayFailures: 3, consecutiveConnectFailures: 1, baseEjectionMs: 5_000, maxEjectionMs: 60_000, maxEjectionPercent: 50 } as const;

interface Health {
  fivexx: number;
  gateway: number;
  connect: number;
  ejections: number;
  until: number;
  /** When it came back from its last ejection (its ejection count decays after a quiet `maxEjectionMs`). */
  back: number;
}

export type EjectionListener = (instanceId: string, ejectedForMs: number, reason: string) => void;

/**
 * Passive outlier detection (Envoy's): every attempt's outcome is reported; an instance that fails often enough in a row
 * is left out of picks for a while that grows with each ejection, and comes back by itself. Never more than
 * `maxEjectionPercent` of the instances are out, and never the last one — with all of them failing, all stay in.
 */
export class OutlierDetector {
  private readonly health = new Map<string, Health>();
  private readonly options: Required<OutlierOptions>;
  private ejectedNow = 0;

  constructor(
    options: OutlierOptions,
    private readonly clock: Clock,
    private readonly onEject: EjectionListener = () => undefined,
  ) {
    this.options = { ...OUTLIER_DEFAULTS, ...options };
  }

  /** An attempt's outcome on `instanceId`, among `total` instances now. */
  report(instanceId: string, outcome: AttemptOutcome, total: number): void {
    const health = this.entry(instanceId);
    if (outcome.ok) {
      health.fivexx = 0;
      health.gateway = 0;
      health.connect = 0;
      return;
    }
    if (outcome.kind === 'status') health.fivexx++;
    else if (outcome.kind === 'connect') health.connect++;
    else health.gateway++;
    const { consecutive5xx, consecutiveGatewayFailures, consecutiveConnectFailures } = this.options;
    const reason =
      health.connect >= consecutiveConnectFailures ? `${health.connect} refused connection(s)` :
      health.gateway >= consecutiveGatewayFailures ? `${health.gateway} timeouts or broken connections in a row` :
      health.fivexx >= consecutive5xx ? `${health.fivexx} 5xx answers in a row` : undefined;
    if (reason !== undefined) this.eject(instanceId, health, total, reason);
  }

  /** `instances` without those ejected now (the same array when none is); all of them when all would be out. */
  filter<T extends { readonly id: string }>(instances: readonly T[]): readonly T[] {
    if (this.countEjected() === 0) return instances;
    const now = this.clock.monotonic();
    const admitted = instances.filter((instance) => (this.health.get(instance.id)?.until ?? 0) <= now);
    return admitted.length === 0 || admitted.length === instances.length ? instances : admitted;
  }

  ejectedIds(): string[] {
    const now = this.clock.monotonic();
    return [...this.health].filter(([, health]) => health.until > now).map(([id]) => id);
  }

  /** Forgets instances that left discovery. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.health.keys()) if (!ids.has(id)) this.health.delete(id);
  }

  private entry(instanceId: string): Health {
    let health = this.health.get(instanceId);
    if (!health) {
      health = { fivexx: 0, gateway: 0, connect: 0, ejections: 0, until: 0, back: 0 };
      this.health.set(instanceId, health);
    }
    return health;
  }

  private eject(instanceId: string, health: Health, total: number, reason: string): void {
    const now = this.clock.monotonic();
    health.fivexx = 0;
    health.gateway = 0;
    health.connect = 0;
    if (health.until > now) return;
    const out = this.countEjected();
    if (out + 1 >= total || ((out + 1) * 100) / total > this.options.maxEjectionPercent) return;
    if (health.back > 0 && now - health.back > this.options.maxEjectionMs) health.ejections = 0;
    health.ejections++;
    const ms = Math.min(this.options.baseEjectionMs * health.ejections, this.options.maxEjectionMs);
    health.until = now + ms;
    health.back = health.until;
    this.onEject(instanceId, ms, reason);
  }

  private countEjected(): number {
    const now = this.clock.monotonic();
    let out = 0;
    for (const health of this.health.values()) if (health.until > now) out++;
    this.ejectedNow = out;
    return out;
  }

  /** Instances ejected at the last look (for metrics). */
  get ejectedCount(): number {
    return this.ejectedNow;
  }
}
