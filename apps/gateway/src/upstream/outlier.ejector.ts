import type { Clock } from '@meshway/clock';
import type { ServiceInstance } from '@meshway/discovery';

/** How long an instance that refused a connection sits out (the registry's own check usually removes it sooner). */
export const DEFAULT_EJECTION_MS = 5_000;

/**
 * Passive outlier ejection (Envoy's "consecutive connect failure", in its simplest form): an instance that
 * refused a connection is left out of picks for a while, so a killed instance stops being picked at once,
 * before the registry's health check notices. Never ejects every instance: with all of them out, all are in.
 */
export class OutlierEjector {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ejectionMs = DEFAULT_EJECTION_MS,
  ) {}

  eject(instance: ServiceInstance): void {
    this.until.set(instance.id, this.clock.monotonic() + this.ejectionMs);
  }

  /** `instances` without those currently ejected (the same array when none is, so callers can cache by identity). */
  filter(instances: readonly ServiceInstance[]): readonly ServiceInstance[] {
    if (this.until.size === 0) return instances;
    const now = this.clock.monotonic();
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
    if (this.until.size === 0) return instances;
    const admitted = instances.filter((instance) => !this.until.has(instance.id));
    return admitted.length === 0 ? instances : admitted;
  }

  /** Ids currently ejected (for `/routes`). */
  ejectedIds(): string[] {
    const now = this.clock.monotonic();
    return [...this.until].filter(([, until]) => until > now).map(([id]) => id);
  }
}
