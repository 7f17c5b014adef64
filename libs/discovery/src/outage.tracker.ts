import type { Clock } from '@meshway/clock';
import type { DiscoveryLogger } from './discovery.logger.js';

/**
 * Knows which watches are serving stale answers. An outage starts when the first watch fails and
 * ends when the last one is fresh again: one `warn` and one `info` per outage, however many
 * services are watched; `onStale` fires per watch (for metrics).
 */
export class OutageTracker {
  private readonly failing = new Set<string>();
  private since = 0;

  constructor(
    private readonly logger: DiscoveryLogger,
    private readonly onStale: (key: string, stale: boolean) => void,
    private readonly clock: Clock,
    private readonly registry: string,
  ) {}

  /** Records a failure of `key`; true when it was fresh until now. */
  markDown(key: string, error: unknown): boolean {
    if (this.failing.has(key)) return false;
    if (this.failing.size === 0) {
      this.since = this.clock.monotonic();
      const { code, message } = describe(error);
      this.logger.warn({ registry: this.registry, watch: key, code, err: message }, 'Registry unreachable: serving the last good answers (stale) until it is back');
    }
    this.failing.add(key);
    this.onStale(key, true);
    return true;
  }

  /** Records a good answer for `key`; true when it was stale until now. */
  markUp(key: string): boolean {
    if (!this.failing.delete(key)) return false;
    this.onStale(key, false);
    if (this.failing.size === 0) {
      this.logger.info({ registry: this.registry, outageMs: Math.round(this.clock.monotonic() - this.since) }, 'Registry reachable again: watches are fresh');
    }
    return true;
  }

  /** Forgets a watch that stopped; ends the outage quietly if it was the last stale one. */
  forget(key: string): void {
    if (this.failing.delete(key)) this.onStale(key, false);
  }

  /** Number of watches serving stale answers now. */
  get staleCount(): number {
    return this.failing.size;
  }
}

function describe(error: unknown): { code: string | undefined; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { code: undefined, message: String(error) };
}
